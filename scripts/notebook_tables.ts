// Runs the epynnlive ports of EpyNN's four dummy notebooks in full (minutes: 100 epochs per model) and counts
// the published table rows they print byte for byte (tests/fixtures/notebooks/published.json; the uname's
// timestamp aside). tests/examples/notebooks.test.ts checks dummy_string in full and the first epoch of the
// others; this is the whole comparison.   Run: npx tsx scripts/notebook_tables.ts [dummy_time ...]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as boolean from '../examples/dummy_boolean/epynnlive.js';
import * as image from '../examples/dummy_image/epynnlive.js';
import * as string from '../examples/dummy_string/epynnlive.js';
import * as time from '../examples/dummy_time/epynnlive.js';
import { memoryOutput } from '../src/commons/logs.js';

const published = JSON.parse(readFileSync(new URL('../tests/fixtures/notebooks/published.json', import.meta.url), 'utf8'));
const scripts = { dummy_boolean: boolean.trainScript, dummy_string: string.trainScript, dummy_time: time.trainScript, dummy_image: image.trainScript };
const mask = (l: string): string => l.replace(/\d{10}_/, 'TS_');
const dir = mkdtempSync(join(tmpdir(), 'notebook-tables-'));
const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(scripts);
let total = 0;
let reproduced = 0;
for (const name of names) {
  const lines: string[] = [];
  const t0 = Date.now();
  (scripts as Record<string, typeof time.trainScript>)[name]({ logger: memoryOutput(lines), modelPath: join(dir, `${name}.json`), quiet: false });
  const ours = new Set(lines.flatMap((t) => t.split('\n')).map(mask));
  for (const cell of published[name] as { rows: { line: string; model: string }[] }[]) {
    const ok = cell.rows.filter((r) => ours.has(mask(r.line))).length;
    total += cell.rows.length;
    reproduced += ok;
    console.log(`${name} ${cell.rows[0].model}: ${ok} of ${cell.rows.length} rows`);
  }
  console.log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
console.log(`${reproduced} of ${total} published rows reproduced`);
rmSync(dir, { recursive: true, force: true });
