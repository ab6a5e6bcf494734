// EpyNN's training report, byte for byte: tables, progress lines and number formats against what EpyNN's own
// report code printed (tests/fixtures/report/epynn_report.json, written by tests/fixtures/report/generate.py).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { fitLine, memoryOutput, pyFixed, pyRepr, pyRound, pyRoundInt, sci, wrapText } from '../../src/commons/logs.js';
import { NOT_AVAILABLE_NOTE, modelReport, progressLine } from '../../src/network/report.js';
import type { EpyNN } from '../../src/network/models.js';

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'report', 'epynn_report.json');
const fx = JSON.parse(readFileSync(FILE, 'utf8'));

/** Python's float.hex() back to a number. */
function fromHex(s: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]*)p([+-]\d+)$/.exec(s);
  if (!m) throw new Error(s);
  const v = Number(BigInt('0x' + m[2] + m[3])) * 2 ** (Number(m[4]) - 4 * m[3].length);
  return m[1] ? -v : v;
}

/** A model as modelReport reads it, with the fixture's metrics filled epoch by epoch. */
function fakeModel(c: any, lines: string[]) {
  const slots = [0, 1, 2].slice(0, c.nsets);
  const layers = [{ p: {}, name: 'Embedding', lrate: [] as number[] }, ...c.lrates.map((l: any) => ({ p: { W: 1 }, name: l.name, lrate: l.lrate }))];
  return {
    layers, activeSlots: slots, epochs: c.epochs, verbose: c.verbose, uname: c.uname, currentLogs: [] as string[][],
    logger: memoryOutput(lines), e: 0, metrics: {} as Record<string, number[][]>,
  };
}

function run(c: any): string[] {
  const lines: string[] = [];
  const m = fakeModel(c, lines);
  for (let e = 0; e < c.epochs; e++) {
    m.e = e;
    m.metrics = Object.fromEntries(Object.entries(c.metrics as Record<string, number[][]>).map(([k, v]) => [k, [0, 1, 2].map((s) => (v[s] ?? []).slice(0, e + 1))]));
    modelReport(m as unknown as EpyNN);
  }
  return lines.filter((l) => l !== '');
}

const epynnTables = (printed: string): string[] => printed.split('\n\n').map((t) => t.replace(/^\n+|\n+$/g, '')).filter((t) => t.trim() !== '');
const cells = (table: string): string[][] =>
  table.split('\n').slice(4).filter((l) => l.startsWith('|')).map((l) => l.split('|').slice(1, -1).map((x) => x.trim()));

describe('the metrics table', () => {
  for (const c of fx.tables.filter((t: any) => t.nsets < 3)) {
    test(`${c.name}: every table line is EpyNN's`, () => {
      const ours = run(c);
      const theirs = epynnTables(c.printed);
      expect(ours.length).toBe(theirs.length);
      expect(ours).toEqual(theirs);
    });
  }
  test('three sets: every row is EpyNN\'s; the headers name their own column (EpyNN drops dval and shifts them)', () => {
    const c = fx.tables.find((t: any) => t.nsets === 3);
    const ours = run(c);
    const theirs = epynnTables(c.printed);
    expect(ours.map(cells)).toEqual(theirs.map(cells));
    const header = ours[0].split('\n').slice(1, 3).map((l) => l.split('|').slice(1, -1).map((x) => x.trim()));
    expect(header[0]).toEqual(['epoch', 'lrate', 'accuracy', '', '', 'MSE', '', '', 'Experiment']);
    expect(header[1]).toEqual(['', 'Dense', 'dtrain', 'dval', 'dtest', 'dtrain', 'dval', 'dtest', '']);
  });
});

describe('the progress line', () => {
  test.each((fx.progress as any[]).map((p) => [p.printed as string, p] as [string, any]))('%s', (printed, p: any) => {
    expect(progressLine({ e: p.e, batch: p.batch, lastBatch: p.lastBatch, accuracy: p.accuracy, cost: p.cost, elapsed: p.elapsed, rate: p.rate, ttc: p.ttc })).toBe(printed);
  });
  test('cut to the terminal width, never wrapped', () => {
    const line = progressLine({ e: 3, batch: 1, lastBatch: 9, accuracy: 0.5, cost: 0.25, elapsed: 1, rate: 1, ttc: 10 });
    expect(fitLine(line, 40)).toBe(line.slice(0, 39));
    expect(fitLine(line, 200)).toBe(line);
    for (const l of wrapText(NOT_AVAILABLE_NOTE, 60)) expect(l.length).toBeLessThanOrEqual(60);
    expect(wrapText(NOT_AVAILABLE_NOTE, 60).join(' ')).toBe(NOT_AVAILABLE_NOTE);
  });
});

describe("Python's number formats", () => {
  test.each((fx.formats as any[]).map((f) => [f.v as string, f] as [string, any]))('%s', (_, f: any) => {
    const v = fromHex(f.v);
    expect(pyFixed(v, 3)).toBe(f.fixed3);
    expect(String(pyRoundInt(v))).toBe(f.fixed0);
    expect(pyRepr(v)).toBe(f.repr);
    expect(pyRepr(pyRound(v, 5))).toBe(f.round5);
    expect(sci(v)).toBe(f.sci);
  });
});
