#!/usr/bin/env node
// `npm run test:interop` (from the repository root): installs interop/ from its lock file when
// needed, then runs its tests against the real TF.js and ONNX Runtime. onnxruntime-node's install
// script would download GPU binaries: ONNXRUNTIME_NODE_INSTALL=skip keeps the CPU binary that ships
// inside the package and downloads nothing. Extra arguments go to vitest (e.g. --reporter=json ...).
// The PyTorch and ONNX-checker tests run Debian's /usr/bin/python3 with python3-torch and python3-onnx:
// with --install, they are installed with apt-get when Python cannot import them (as root, or
// through sudo).
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
// Python's torch and onnx (interop/tests/python.ts; EPYNN_PYTHON overrides the interpreter)
const python = process.env.EPYNN_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const hasTorch = () => spawnSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
if (process.argv.includes('--install') && !hasTorch()) {
  const t0 = Date.now();
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = (...a) => spawnSync(root ? 'apt-get' : 'sudo', root ? a : ['apt-get', ...a], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const r = apt('update');
  const r2 = r.status === 0 ? apt('install', '-y', 'python3-torch', 'python3-onnx') : r;
  if (r2.status !== 0 || !hasTorch()) {
    console.error('interop: apt-get install python3-torch python3-onnx failed; the PyTorch tests need them');
    process.exit(r2.status || 1);
  }
  console.log(`interop: python3-torch and python3-onnx installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const args = process.argv.slice(2).filter((a) => a !== '--install');
const r = spawnSync(npm, ['exec', '--', 'vitest', 'run', ...args], { cwd: dir, env, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
