import { defineConfig } from 'vitest/config';

// The interop tests load the real runtimes (TF.js CPU backend, onnxruntime-node) installed in
// interop/node_modules; they import epynn-ts from ../src like the main tests.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
