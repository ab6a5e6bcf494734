// Python for the interop tests: Debian's /usr/bin/python3 with python3-torch and python3-onnx
// (interop/run.mjs --install installs them with apt-get). EPYNN_PYTHON overrides the interpreter.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PYTHON = process.env.EPYNN_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/** Runs Python (a script file or `-c`), returns stdout; throws with stderr when it fails. */
export function python(args: string[], options: { cwd?: string; timeout?: number } = {}): string {
  const r = spawnSync(PYTHON, args, { cwd: options.cwd, encoding: 'utf8', timeout: options.timeout ?? 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) {
    throw new Error(`${PYTHON} ${args.join(' ')} failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Runs a command (torchrun), returns stdout; throws with its output when it fails. */
export function command(cmd: string, args: string[], options: { cwd?: string; timeout?: number } = {}): string {
  const r = spawnSync(cmd, args, { cwd: options.cwd, encoding: 'utf8', timeout: options.timeout ?? 180_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const scripts = mkdtempSync(join(tmpdir(), 'epynn-interop-'));
process.on('exit', () => rmSync(scripts, { recursive: true, force: true }));

/** Writes a Python script into the run's temporary folder and returns its path. */
export function script(name: string, text: string): string {
  const file = join(scripts, name);
  writeFileSync(file, text);
  return file;
}

/** The versions of torch and onnx Python imports (fails with an install hint when they are missing). */
export function versions(): { python: string; torch: string; onnx: string } {
  let out: string;
  try {
    out = python(['-c', 'import sys, torch, onnx; print(sys.version.split()[0], torch.__version__, onnx.__version__)']);
  } catch (err) {
    throw new Error(`PyTorch and ONNX for Python are needed: apt-get install python3-torch python3-onnx (or npm run test:interop -- --install)\n${(err as Error).message}`);
  }
  const [py, torch, onnx] = out.trim().split(/\s+/);
  return { python: py, torch, onnx };
}

/** Largest |a − b| / |b| over the entries (a and b of the same length), or Infinity if lengths differ. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.abs(b[i]);
    if (a[i] !== b[i]) worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
  }
  return worst;
}

/** Entries where |a − b| > atol + rtol·|b|, as a short text ('' when none). */
export function mismatches(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol = 0): string {
  if (a.length !== b.length) return `lengths ${a.length} vs ${b.length}`;
  const bad: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) bad.push(`[${i}] ${a[i]} vs ${b[i]}`);
  }
  return bad.length === 0 ? '' : `${bad.length} of ${a.length}: ${bad.slice(0, 4).join(', ')}`;
}
