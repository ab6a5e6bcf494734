// Smoke tests of the `epynn` command, run as users run it (node bin/epynn.js).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
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
      expect(r.stderr).toMatch(/epynn run: --threads (must be an integer from 1 to 64, got -?\d+|needs an integer from 1 to 64, got "two")\n/);
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
    expect(opt.stderr).toContain('epynn run: --epochs needs an integer from 1 to 1000000, got "many"');
    const variant = await cli(['run', 'dummy_boolean', '--variant', 'huge']);
    expect(variant.code).toBe(2);
    expect(variant.stderr).toContain("epynn run: example 'dummy_boolean' has no variant 'huge'; known: perceptron");
  });

  it('options as --flag=value, --flag value, -q and --: the same run', async () => {
    const spaced = await cli(['run', 'dummy_boolean', '--epochs', '2', '--seed', '5', '--samples', '40']);
    const inline = await cli(['run', '--epochs=2', '--seed=5', 'dummy_boolean', '--samples=40']);
    expect(spaced.code).toBe(0);
    expect(inline).toEqual(spaced);
    expect(spaced.stdout).toContain('Perceptron_Dense-1-sigmoid: accuracy and MSE per epoch');
    expect(await cli(['run', 'dummy_boolean', '--epochs=2', '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli(['run', '-q', '--epochs=2', '--', 'dummy_boolean'])).toEqual({ code: 0, stdout: '', stderr: '' });
    // after --, an option-like word is an operand: here a second example name
    const after = await cli(['run', 'dummy_boolean', '--', '--epochs=2']);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('epynn run: expected one example, got dummy_boolean --epochs=2');
  });

  it('every number is an integer in range, and the message names the flag', async () => {
    const cases: [string[], string][] = [
      [['--epochs', '99999999999999999999'], '--epochs must be an integer from 1 to 1000000, got 99999999999999999999'],
      [['--epochs=0'], '--epochs must be an integer from 1 to 1000000, got 0'],
      [['--epochs', '2.5'], '--epochs needs an integer from 1 to 1000000, got "2.5"'],
      [['--epochs', '1e3'], '--epochs needs an integer from 1 to 1000000, got "1e3"'],
      [['--epochs'], '--epochs needs an integer from 1 to 1000000, got nothing'],
      [['--samples', '-5'], '--samples must be an integer from 1 to 1000000, got -5'],
      [['--samples', '1.5'], '--samples needs an integer from 1 to 1000000, got "1.5"'],
      [['--samples='], '--samples needs an integer from 1 to 1000000, got ""'],
      [['--seed', '9007199254740992'], '--seed must be an integer from -2^53-1 to 2^53-1, got 9007199254740992'],
      [['--threads', '65'], '--threads must be an integer from 1 to 64, got 65'],
      [['--variant'], '--variant needs a value'],
      [['--data', '--quiet'], "--data needs a value, got the option --quiet (write --data=--quiet for a value starting with '-')"],
      [['--quiet=yes'], '--quiet takes no value, got --quiet=yes'],
      [['--epoch=3'], 'unknown option --epoch (did you mean --epochs?)'],
      [['-x'], 'unknown option -x'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['run', 'dummy_boolean', ...args]);
      expect([r.code, r.stdout], args.join(' ')).toEqual([2, '']);
      expect(r.stderr.split('\n')[0], args.join(' ')).toBe(`epynn run: ${message}`);
      expect(r.stderr).toContain('usage: epynn run <example>');
    }
  });

  it('--data and --download are refused by the examples (and variants) that generate their data', async () => {
    for (const flag of [['--data', 'some/dir'], ['--data=some/dir']]) {
      const r = await cli(['run', 'dummy_image', ...flag, '--epochs', '1']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        "epynn run: --data: example 'dummy_image' (variant conv) generates its data and reads no files (its variant epynnlive reads --data: a prepared-data .json file); the examples that read data in every variant: captcha_mnist, author_music, ptm_protein",
      );
    }
    const custom = await cli(['run', 'custom_layer', '--data', 'x']);
    expect(custom.stderr).toBe("epynn run: --data: example 'custom_layer' (variant scale) generates its data and reads no files; the examples that read data in every variant: captcha_mnist, author_music, ptm_protein");
    const download = await cli(['run', 'dummy_time', '--variant=epynnlive', '--download']);
    expect(download.code).toBe(2);
    expect(download.stderr).toBe("epynn run: --download: example 'dummy_time' generates its data and downloads nothing; the examples with a dataset to download: captcha_mnist, author_music, ptm_protein");
    // the epynnlive variant takes --data (a prepared .json file): not refused by the command, the example reads it
    const live = await cli(['run', 'dummy_boolean', '--variant', 'epynnlive', '--data', join(tmpdir(), 'no-such-prepared-data.json'), '-q']);
    expect(live.stderr).not.toContain('generates its data');
    expect([live.code, live.stderr]).toEqual([1, expect.stringContaining('dummy_boolean epynnlive: cannot read the data file ')]);
    const readers = Object.values(examples).filter((e) => typeof e.data === 'string').map((e) => e.name).sort();
    expect(readers).toEqual(['author_music', 'captcha_mnist', 'ptm_protein']);
  });

  it('export: --format=x and --format x, checked', async () => {
    const bad = await cli(['export', '--format=keras', 'a.json', 'out']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('epynn export: --format must be tfjs, onnx or pytorch, got "keras"');
    const none = await cli(['export', 'a.json', 'out']);
    expect(none.stderr.split('\n')[0]).toBe('epynn export: --format is required: tfjs or onnx or pytorch');
    const operands = await cli(['export', '--format', 'onnx', 'a.json']);
    expect(operands.stderr.split('\n')[0]).toBe('epynn export: expected <model.json> <out>, got 1 argument');
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

describe('epynn copy inside the clone (no build)', () => {
  // As the README says: `npx epynn copy my-examples && cd my-examples && npx tsx run.ts dummy_image`, in the
  // clone right after `npm ci`: tsx finds the clone's tsconfig.json, whose paths map 'epynn-ts' and
  // 'epynn-ts/cli' to src/ (dist/ plays no part; tests/docs checks that mapping)
  it('a copied example runs with npx tsx from a folder of the clone', () => {
    const work = mkdtempSync(join(root, '.copytest-'));
    try {
      expect(epynn(['copy', 'my-examples'], work).code).toBe(0);
      const live = join(work, 'my-examples');
      expect(existsSync(join(live, 'package.json'))).toBe(false); // the clone's package.json (type: module) holds
      const tsxCli = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      const r = spawnSync(process.execPath, [tsxCli, 'run.ts', 'dummy_image', '--epochs=1', '--samples', '100'], {
        cwd: live, encoding: 'utf8', timeout: 120_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('EpyNN Check OK');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
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
