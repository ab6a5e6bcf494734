#!/usr/bin/env node
// `npm run test:interop` (from the repository root): installs interop/ from its lock file when
// needed, then runs its tests against the real TF.js and ONNX Runtime. onnxruntime-node's install
// script would download GPU binaries: ONNXRUNTIME_NODE_INSTALL=skip keeps the CPU binary that ships
// inside the package and downloads nothing. Extra arguments go to vitest (e.g. --reporter=json ...).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// npm ci (exactly the lock file) when a runtime is missing, or always with --install
const missing = ['onnxruntime-node', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', 'vitest'].some((p) => !existsSync(join(dir, 'node_modules', p)));
const stale = missing || process.argv.includes('--install');
if (stale) {
  const t0 = Date.now();
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: dir, env, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`interop: installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const args = process.argv.slice(2).filter((a) => a !== '--install');
const r = spawnSync(npm, ['exec', '--', 'vitest', 'run', ...args], { cwd: dir, env, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
