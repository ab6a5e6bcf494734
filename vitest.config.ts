import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** 'epynn-ts' in tests is the sources, as under tsx in the clone (tsconfig.json's paths). */
const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^epynn-ts$/, replacement: source('./src/node/index.ts') },
      { find: /^epynn-ts\/core$/, replacement: source('./src/index.ts') },
      { find: /^epynn-ts\/cli$/, replacement: source('./src/cli/main.ts') },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/dist.ts'],
    // One thread unless a test asks for more (tests/parallel; CI reruns the training tests with
    // EPYNN_THREADS=2): batches are still cut into shards, so the numbers are those of any thread count
    env: { EPYNN_THREADS: process.env.EPYNN_THREADS ?? '1' },
    // Vitest's default is one file at a time on a 2-core machine (cores - 1); two at a time halves npm test there
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
