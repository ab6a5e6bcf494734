import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/dist.ts'],
    // One thread unless a test asks for more (tests/parallel; CI reruns the training tests with
    // EPYNN_THREADS=2): batches are still cut into shards, so the numbers are those of any thread count
    env: { EPYNN_THREADS: process.env.EPYNN_THREADS ?? '1' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
