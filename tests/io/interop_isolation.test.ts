// The runtimes that check the exports (interop/) stay out of the library: not in the root install,
// not imported by the sources, not in what a user of the package gets.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const RUNTIMES = ['@tensorflow/', 'onnxruntime', 'protobufjs'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('interop isolation', () => {
  it('the root package.json and lock file hold no TF.js, ONNX Runtime or protobuf package', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies });
    expect(deps.filter((d) => RUNTIMES.some((r) => d.startsWith(r)))).toEqual([]);
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((p) => RUNTIMES.some((r) => p.includes(`node_modules/${r}`)))).toEqual([]);
    expect((pkg as unknown as { files: string[] }).files).not.toContain('interop');
  });

  it('no source file imports them', () => {
    const offenders = sources(join(root, 'src')).filter((f) => RUNTIMES.some((r) => new RegExp(`from '${r}|import\\('${r}|require\\('${r}`).test(readFileSync(f, 'utf8'))));
    expect(offenders).toEqual([]);
  });
});
