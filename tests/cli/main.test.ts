// Smoke tests of the `epynn` command, run as users run it (node bin/epynn.js).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, rewriteImports } from '../../src/cli/main.js';
import { readModel } from '../../src/node/fs.js';
import { examples } from '../../examples/index.js';
import { getThreads } from '../../src/parallel/engine.js';

const root = resolve(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'epynn.js');

function epynn(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command in-process (faster): exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('epynn', () => {
  it('examples: lists every bundled example with its description', () => {
    const r = epynn(['examples']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const ex of Object.values(examples)) {
      expect(r.stdout).toContain(`  ${ex.name} `);
      expect(r.stdout).toContain(ex.description);
    }
  });

  it('run: trains an example for 2 epochs and saves the model and the plot', () => {
    const work = mkdtempSync(join(tmpdir(), 'epynn-cli-run-'));
    const r = epynn(['run', 'dummy_boolean', '--epochs', '2', '--seed', '3', '--save', 'm.json', '--plot', 'p.svg'], work);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Perceptron_Dense-1-sigmoid: accuracy and MSE per epoch');
    expect(r.stdout).toContain('model written to m.json');
    const model = readModel(join(work, 'm.json'));
    expect([model.epochsDone, model.seed, model.name]).toEqual([2, 3, 'Perceptron_Dense-1-sigmoid']);
    expect(readFileSync(join(work, 'p.svg'), 'utf8')).toMatch(/^<svg /);
  });

  it('run --quiet prints nothing', async () => {
    const r = await cli(['run', 'dummy_boolean', '--epochs', '2', '--quiet']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
  });

  it('run --threads N trains with N threads (the same metrics chart as 1 thread), and is checked', async () => {
    const one = await cli(['run', 'dummy_image', '--epochs', '2', '--threads', '1']);
    const two = await cli(['run', 'dummy_image', '--epochs', '2', '--threads', '2']);
    expect(two.code).toBe(0);
    expect(two.stdout).toMatch(/accuracy and MSE per epoch/); // the chart of the metrics per epoch
    expect(two.stdout).toEqual(one.stdout);
    expect(getThreads()).toBe(1); // back to the default (EPYNN_THREADS=1 in the tests)
    for (const bad of ['0', '65', 'two']) {
      const r = await cli(['run', 'dummy_image', '--threads', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/epynn run: --threads (must be from 1 to 64|needs an integer), got /);
    }
  });

  it('unknown command, unknown example, bad option: a clear message and exit code 2', async () => {
    const cmd = epynn(['frobnicate']); // the real process exit code
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain("epynn: unknown command 'frobnicate'");
    expect(cmd.stderr).toContain('usage: epynn <command>');
    const ex = await cli(['run', 'no_such_example']);
    expect(ex.code).toBe(2);
    expect(ex.stderr).toContain("epynn run: unknown example 'no_such_example'; known: ");
    expect(ex.stderr).toMatch(/known: .*dummy_boolean.*\(see "epynn examples"\)/);
    const opt = await cli(['run', 'dummy_boolean', '--epochs', 'many']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain('epynn run: --epochs needs an integer, got many');
    const variant = await cli(['run', 'dummy_boolean', '--variant', 'huge']);
    expect(variant.code).toBe(2);
    expect(variant.stderr).toContain("epynn run: example 'dummy_boolean' has no variant 'huge'; known: perceptron");
  });

  it('--help for the command and each subcommand', async () => {
    const top = await cli(['--help']);
    expect([top.code, top.stdout.split('\n')[0]]).toEqual([0, 'usage: epynn <command> [options]']);
    for (const [cmd, first] of [['examples', 'usage: epynn examples'], ['run', 'usage: epynn run <example>'], ['copy', 'usage: epynn copy [dir]']]) {
      const r = await cli([cmd, '--help']);
      expect(await cli(['help', cmd])).toEqual(r);
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith(first)).toBe(true);
    }
    expect((await cli([])).code).toBe(2);
  });

  it('copy: copies the examples with imports of the package name, refuses a non-empty folder', async () => {
    const work = mkdtempSync(join(tmpdir(), 'epynn-cli-copy-'));
    const target = join(work, 'live');
    const r = epynn(['copy', target]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`to ${target}`);
    const names = readdirSync(target);
    for (const ex of Object.keys(examples)) expect(names).toContain(ex);
    expect(names).toEqual(expect.arrayContaining(['run.ts', 'index.ts', 'types.ts', 'README.md', 'package.json']));
    const train = readFileSync(join(target, 'dummy_boolean', 'train.ts'), 'utf8');
    expect(train).toContain("from 'epynn-ts'");
    for (const ex of Object.keys(examples)) {
      for (const f of readdirSync(join(target, ex)).filter((n) => n.endsWith('.ts'))) {
        expect(readFileSync(join(target, ex, f), 'utf8'), `${ex}/${f}`).not.toMatch(/from '(\.\.\/)+src\//);
      }
    }
    expect(JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'))).toEqual({ private: true, type: 'module' });

    const again = await cli(['copy', target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`epynn copy: ${target} already exists and is not empty (use --force to copy over it)`);
  });

  // The copied examples import 'epynn-ts', which resolves to the built package (dist/, built by the
  // tests' global setup, tests/setup/dist.ts; built here too when missing)
  it('a copied example runs where epynn-ts is installed', () => {
    if (!existsSync(join(root, 'dist', 'node', 'index.js'))) {
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { encoding: 'utf8', timeout: 120_000 });
      expect(build.status, build.stdout + build.stderr).toBe(0);
    }
    const work = mkdtempSync(join(tmpdir(), 'epynn-cli-live-'));
    expect(epynn(['copy', join(work, 'live')]).code).toBe(0);
    mkdirSync(join(work, 'node_modules'));
    symlinkSync(root, join(work, 'node_modules', 'epynn-ts'), 'dir');
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
    const r = spawnSync(process.execPath, ['--import', tsx, 'run.ts', 'dummy_boolean', '--epochs', '2', '--samples', '20'], {
      cwd: join(work, 'live'), encoding: 'utf8', timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Perceptron_Dense-1-sigmoid');
  });
});

describe('rewriteImports', () => {
  it('points source imports at the package name and leaves the others', () => {
    const src = [
      "import { Dense } from '../../src/node/index.js';",
      "import { seededRng } from '../../src/index.js';",
      "import type { EpyNN } from '../src/index.js';",
      "import { prepareDataset } from './prepare_dataset.js';",
      "const m = await import('../../src/index.js');",
      "import { main } from '../src/cli/main.js';",
    ].join('\n');
    expect(rewriteImports(src).split('\n')).toEqual([
      "import { Dense } from 'epynn-ts';",
      "import { seededRng } from 'epynn-ts';",
      "import type { EpyNN } from 'epynn-ts';",
      "import { prepareDataset } from './prepare_dataset.js';",
      "const m = await import('epynn-ts');",
      "import { main } from 'epynn-ts/cli';",
    ]);
  });
});
