// The package as a user installs it: `npm pack` the repository, install the tarball into an empty
// folder OFFLINE (its one dependency, seedrandom, packed from the repository's node_modules), then run the `epynn`
// command, a copied example and a script importing 'epynn-ts' and 'epynn-ts/cli' with plain node.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'epynn-pack-'));
const app = join(work, 'app');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const npmCli = join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const npxCli = join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'bin', 'npx-cli.js');
// Offline: a package missing from the cache fails the install instead of being downloaded
const env: NodeJS.ProcessEnv = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
delete env.npm_config_prefix; // npm run sets it to the repository; the app is its own project

function run(cli: string, args: string[], cwd: string): { status: number | null; out: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, env, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}`, stderr: r.stderr };
}

let tarball = '';
let install = { status: null as number | null, out: '', stderr: '' };

beforeAll(() => {
  // dist/ is built by the tests' global setup; --ignore-scripts skips the prepare build here
  const packed = JSON.parse(
    execFileSync(process.execPath, [npmCli, 'pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, env, encoding: 'utf8' }),
  ) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed[0].filename);
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2));
  // The dependency comes from the repository's own node_modules, packed likewise: an empty npm cache (a
  // fresh machine) holds no registry metadata for it, and nothing may be downloaded here.
  const dep = JSON.parse(
    execFileSync(process.execPath, [npmCli, 'pack', join(root, 'node_modules', 'seedrandom'), '--ignore-scripts', '--json', '--pack-destination', work], { cwd: work, env, encoding: 'utf8' }),
  ) as { filename: string }[];
  install = run(npmCli, ['install', join(work, dep[0].filename), tarball], app);
}, 180_000);

describe('the packed package, installed offline into an empty folder', () => {
  it('installs clean: only seedrandom comes along, no install-script warning, LICENSE shipped', () => {
    expect(install.status, install.out).toBe(0);
    expect(install.stderr).not.toMatch(/install-scripts|postinstall|warn/i);
    const modules = readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(modules.sort()).toEqual(['epynn-ts', 'seedrandom']);
    expect(readFileSync(join(app, 'node_modules', 'epynn-ts', 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(existsSync(join(app, 'node_modules', 'epynn-ts', 'dist', 'examples', 'index.js'))).toBe(true);
  });

  it('npx epynn run dummy_image --epochs 2 trains with plain node', () => {
    const r = run(npxCli, ['epynn', 'run', 'dummy_image', '--epochs', '2'], app);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('EpyNN Check OK');
    expect(r.out).toMatch(/\| +epoch +\|/);
  });

  it("a script imports 'epynn-ts' and 'epynn-ts/cli' and trains a model", () => {
    writeFileSync(
      join(app, 'script.mjs'),
      `import { Dense, Embedding, EpyNN, sigmoid } from 'epynn-ts';
import { main } from 'epynn-ts/cli';
const XData = Array.from({ length: 40 }, (_, i) => [i % 2, (i >> 1) % 2]);
const YData = XData.map(([a, b]) => [a | b]);
const model = new EpyNN([new Embedding({ XData, YData }), new Dense({ units: 1, activate: sigmoid })], 'or');
model.train({ epochs: 3, quiet: true });
console.log(typeof main, model.epochsDone, model.predict([[1, 0]]).A.shape.join('x'));
`,
    );
    const r = spawnSync(process.execPath, ['script.mjs'], { cwd: app, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('function 3 1x1');
  });

  it('training on 2 threads uses the packed worker (dist/parallel/worker.js), and the script ends by itself', () => {
    writeFileSync(
      join(app, 'threads.mjs'),
      `import { Dense, Embedding, EpyNN, relu, softmax, setThreads, threadStats, threadsNote } from 'epynn-ts';
setThreads(2);
const XData = Array.from({ length: 256 }, (_, i) => Array.from({ length: 64 }, (_, j) => ((i * 31 + j * 7) % 17) / 17));
const YData = XData.map((x, i) => i % 3);
const model = new EpyNN([new Embedding({ XData, YData, YEncode: true, batchSize: 64 }), new Dense({ units: 32, activate: relu }), new Dense({ units: 3, activate: softmax })], 'threads');
model.initialize({ loss: 'CCE', seed: 1, quiet: true });
const t0 = Date.now();
while (threadStats().workerItems === 0 && Date.now() - t0 < 60000) {
  model.train({ epochs: 1, quiet: true });
  await new Promise((r) => setTimeout(r, 50));
}
console.log(threadStats().workerItems > 0, JSON.stringify(threadsNote()));
`,
    );
    const r = spawnSync(process.execPath, ['threads.mjs'], { cwd: app, env: { ...env, EPYNN_THREADS: '' }, encoding: 'utf8', timeout: 120_000 });
    expect(r.signal).toBeNull(); // ended by itself, not by the timeout
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('true ""');
  });

  it('npx epynn copy ex, then a copied example runs as its README says (npm install tsx)', () => {
    const copy = run(npxCli, ['epynn', 'copy', 'ex'], app);
    expect(copy.status, copy.out).toBe(0);
    const readme = readFileSync(join(app, 'ex', 'README.md'), 'utf8');
    expect(readme).toContain('npm install tsx');
    // tsx as the README installs it: the repository's own copy (a development dependency), since an
    // offline install of tsx and esbuild from an empty npm cache cannot work on a fresh machine
    const tsxCli = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const r = run(tsxCli, ['run.ts', 'dummy_boolean', '--epochs', '2', '--samples', '40'], join(app, 'ex'));
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('Perceptron_Dense-1-sigmoid');
  });

  it("require('epynn-ts') from CommonJS works (require(esm): engines says node >= 20.19)", () => {
    const engines = (JSON.parse(readFileSync(join(app, 'node_modules', 'epynn-ts', 'package.json'), 'utf8')) as { engines: { node: string } }).engines;
    expect(engines.node).toBe('>=20.19');
    const [major, minor] = process.versions.node.split('.').map(Number);
    expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
    writeFileSync(join(app, 'script.cjs'), "const { EpyNN } = require('epynn-ts');\nconst { main } = require('epynn-ts/cli');\nconsole.log(typeof EpyNN, typeof main);\n");
    const r = spawnSync(process.execPath, ['script.cjs'], { cwd: app, env, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('function function');
  });
});

// A TypeScript project using the installed package, type-checked (not skipLibCheck) with each module
// resolution users choose: node16 and bundler through `exports`, node10 through `typesVersions`.
// 'epynn-ts/core' (the browser entry) needs no @types/node; 'epynn-ts' and 'epynn-ts/cli' are Node's
// and are checked with @types/node, as a Node project has it.
describe('the packed package type-checks in a consumer project', () => {
  const modes: Record<string, ts.CompilerOptions> = {
    node16: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
    bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
    node10: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
  };
  const core = `import { Dense, Embedding, EpyNN, sigmoid, type NDArray } from 'epynn-ts/core';
const model: EpyNN = new EpyNN([new Embedding({ XData: [[0, 1]], YData: [1] }), new Dense({ units: 1, activate: sigmoid })], 'm');
const out: NDArray = model.predict([[1, 0]]).A;
export const shape: number[] = out.shape;
`;
  const node = `import { EpyNN, readModel } from 'epynn-ts';
import { main } from 'epynn-ts/cli';
import { Dense } from 'epynn-ts/core';
export const read: (path?: string) => EpyNN = readModel;
export const run: Promise<number> = main(['examples']);
export const layer = new Dense({ units: 2 });
`;
  // Proof that the types are really resolved (an unresolved module would be a different error, 2307)
  const wrong = "import { NoSuchExport } from 'epynn-ts/core';\nexport const x = NoSuchExport;\n";
  const host = ts.createCompilerHost({});
  const cache = new Map<string, ts.SourceFile | undefined>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang) => {
    if (!file.includes('/tc-') && cache.has(file)) return cache.get(file);
    const sf = getSourceFile(file, lang);
    cache.set(file, sf);
    return sf;
  };
  const check = (mode: string, code: string, types: string[]): string[] => {
    const dir = join(app, `tc-${mode}-${types.length}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.ts'), code);
    const program = ts.createProgram([join(dir, 'index.ts')], {
      ...modes[mode], target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], strict: true, noEmit: true,
      skipLibCheck: false, skipDefaultLibCheck: true, types, typeRoots: [join(app, 'node_modules', '@types')],
    }, host);
    return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? d.file.fileName.replace(app, '') : ''} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  };

  beforeAll(() => {
    // @types/node for the Node entries, from the repository (offline, like the rest)
    mkdirSync(join(app, 'node_modules', '@types'), { recursive: true });
    symlinkSync(join(root, 'node_modules', '@types', 'node'), join(app, 'node_modules', '@types', 'node'), 'dir');
  });

  for (const mode of Object.keys(modes)) {
    it(`moduleResolution ${mode}: epynn-ts/core without @types/node, all three entries with it`, () => {
      expect(check(mode, core, [])).toEqual([]);
      expect(check(mode, node, ['node'])).toEqual([]);
      const bad = check(mode, wrong, []);
      expect(bad).toHaveLength(1);
      expect(bad[0]).toMatch(/TS2305: Module '"epynn-ts\/core"' has no exported member 'NoSuchExport'/);
    });
  }
});
