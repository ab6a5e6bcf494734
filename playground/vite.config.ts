// The playground: `npm run playground` (dev server) and `npm run build:playground` (static files in
// playground/dist with relative URLs, so any static host or sub-folder serves them).
// Both servers send COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer for Stop/Resume).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  server: { host: '127.0.0.1', headers: isolation },
  preview: { host: '127.0.0.1', headers: isolation },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { main: resolve(import.meta.dirname, 'index.html'), math: resolve(import.meta.dirname, 'math.html') } },
  },
});
