// Smoke test of the example command for the three real-data examples: `npm run example -- <name>`
// (examples/run.ts) must train offline and print EpyNN's report. Needs the examples registered in
// examples/index.ts. The child's fetch is disabled, so any network access fails the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'epynn-cli-')); // cwd of the runs: no datasets/ cache there
afterAll(() => rmSync(work, { recursive: true, force: true }));
const noNetwork = join(work, 'no-network.mjs');
writeFileSync(noNetwork, "globalThis.fetch = () => { throw new Error('network access in an example run'); };\n");

function example(args: string[]): { status: number | null; out: string } {
  const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/esm/index.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(noNetwork).href, '--import', tsx, join(repo, 'examples/run.ts'), ...args], {
    cwd: work, encoding: 'utf8', timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('npm run example -- <name> (offline, EpyNN report)', () => {
  it.each([
    ['captcha_mnist', ['--samples', '200', '--epochs', '1'], /Held-out accuracy \(dval, 40 digits never trained on\)/],
    ['author_music', ['--samples', '32', '--epochs', '1'], /synthetic clean vs overdriven guitar tones/],
    ['ptm_protein', ['--samples', '96', '--epochs', '1'], /generated peptides with a planted P\?\[ST\]V motif/],
  ])('%s', (name, args, specific) => {
    const { status, out } = example([name, ...args]);
    expect(out).not.toMatch(/unknown example/);
    expect(status, out).toBe(0);
    expect(out).toContain('EpyNN Check OK');
    expect(out).toMatch(/\| +epoch +\|/);
    expect(out).toMatch(specific);
  }, 120_000);
});
