// The package as a user installs it: `npm pack` the repository, install the tarball into an empty
// folder OFFLINE (its one dependency, seedrandom, packed from the repository's node_modules), then run the `epynn`
// command, a copied example and a script importing 'epynn-ts' and 'epynn-ts/cli' with plain node.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
});
