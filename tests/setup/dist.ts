// Vitest global setup: tests that run the package as users do (bin/epynn.js, the packed tarball, the
// copied examples) use the compiled dist/. Rebuild it (npm run build) when it is missing or older than
// any source, so those tests never run stale code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'models', 'plots', 'datasets'].includes(entry.name)) continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  const stamp = join(root, 'dist', 'examples', 'index.js'); // the build's last step writes it
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'examples')), statSync(join(root, 'scripts', 'build-examples.mjs')).mtimeMs);
  if (built >= sources) return;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // tsc emits even with type errors (npm run typecheck reports those); the tests then see what it emitted
  try {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'pipe' });
  } catch {
    /* type errors: dist/ is still written */
  }
  execFileSync(process.execPath, [join(root, 'scripts', 'build-examples.mjs')], { cwd: root, stdio: 'pipe' });
}
