// Plots cannot hang or print NaN: ticks for any finite range (equal values, ranges below the float
// resolution, ±1.7e308), non-finite values skipped with a note, sizes validated.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EpyNNError, NonFiniteError } from '../../src/errors.js';
import { lineChartSVG, niceTicks, terminalChart } from '../../src/commons/plot.js';
import { throwsWith } from '../helpers/errors.js';
import { allElements, parseXML } from '../helpers/xml.js';

const MAX = Number.MAX_VALUE;

/** Ticks are finite, strictly increasing, a handful, and cover [lo, hi]. */
function expectCovering(lo: number, hi: number, count = 6): number[] {
  const t = niceTicks(lo, hi, count);
  expect(t.length, `${lo}..${hi}`).toBeGreaterThanOrEqual(2);
  expect(t.length, `${lo}..${hi}`).toBeLessThanOrEqual(4 * count + 4);
  expect(t.every(Number.isFinite), `${lo}..${hi}: ${t}`).toBe(true);
  t.forEach((v, i) => i > 0 && expect(v, `${lo}..${hi}: ${t}`).toBeGreaterThan(t[i - 1]));
  expect(t[0], `${lo}..${hi}: ${t}`).toBeLessThanOrEqual(Math.min(lo, hi));
  expect(t[t.length - 1], `${lo}..${hi}: ${t}`).toBeGreaterThanOrEqual(Math.max(lo, hi));
  return t;
}

describe('niceTicks for any finite range', () => {
  it('ranges below the float resolution, equal values, the ends of the float range', () => {
    const cases: [number, number][] = [
      [1e16, 1e16 + 2], [2 ** 53, 2 ** 53 + 2], [1, 1 + Number.EPSILON], [0.1, 0.1 + 1e-17], [5, 5], [0, 0], [-3, -3],
      [-1.7e308, 1.7e308], [-MAX, MAX], [MAX, MAX], [-MAX, -MAX], [1e308, 1.79e308], [-1, 1e308], [1.7e308, 1.7e308],
      [5e-324, 5e-324], [0, 5e-324], [1e-300, 2e-300], [-1e-310, 1e-310], [3, 1],
    ];
    for (const [lo, hi] of cases) expectCovering(lo, hi);
    expect(niceTicks(1e16, 1e16 + 2)).toEqual([9e15, 9.5e15, 1e16, 1.05e16, 1.1e16, 1.15e16]);
    expect(niceTicks(-1.7e308, 1.7e308)).toEqual([-MAX, -1e308, 0, 1e308, MAX]);
  });

  it('keeps its 1-2-5 ticks for ordinary ranges', () => {
    expect(niceTicks(0.03, 0.97)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(5, 5)).toEqual([4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]);
  });

  it('property: any two finite doubles and any count from 2 to 20', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 2, max: 20 }), (a, b, count) => {
        expectCovering(a, b, count);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('non-finite bounds give [0, 1]; a bad count is an error', () => {
    expect(niceTicks(NaN, 1)).toEqual([0, 1]);
    expect(niceTicks(0, Infinity)).toEqual([0, 1]);
    throwsWith(() => niceTicks(0, 1, 1), EpyNNError, 'niceTicks: count must be an integer >= 2, got 1');
    throwsWith(() => niceTicks(0, 1, 1e9), EpyNNError, 'niceTicks: count must be at most 100, got 1000000000');
    throwsWith(() => niceTicks(0, 1, NaN), NonFiniteError, 'niceTicks: count must be an integer >= 2, got NaN');
  });
});

describe('charts with extreme or non-finite values', () => {
  it('an SVG of values below the float resolution, with NaN and Infinity: no NaN in the drawing, a note', () => {
    const svg = lineChartSVG([{ label: 'a', values: [1e16, 1e16 + 2, NaN, 1e16, Infinity] }, { label: 'b', values: [-Infinity] }]);
    const root = parseXML(svg);
    expect(svg.replace(/<text class="note"[^<]*<\/text>/, '')).not.toMatch(/NaN|Infinity/);
    const note = allElements(root).find((e) => e.attrs.class === 'note');
    expect(note?.text).toBe('3 values not finite (NaN or ±Infinity): not drawn');
    const path = allElements(root).find((e) => e.name === 'path')!;
    expect(path.attrs.d.match(/[ML]/g)).toHaveLength(3);
  });

  it('an SVG of ±1.7e308 and of one value', () => {
    for (const values of [[-1.7e308, 1.7e308, 0], [MAX, MAX], [7], [5e-324, 0]]) {
      const svg = lineChartSVG([{ label: 'x', values }]);
      expect(svg, String(values)).not.toMatch(/NaN|Infinity/);
      expect(svg).toContain('<path d="M');
      expect(allElements(parseXML(svg)).some((e) => e.attrs.class === 'note')).toBe(false);
    }
  });

  it('200,000 values (no spread of a huge array into Math.min)', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => Math.sin(i / 1000));
    expect(lineChartSVG([{ label: 'long', values }])).toContain('<path');
    expect(terminalChart([{ label: 'long', values }])).toContain('* long');
  });

  it('width and height are validated', () => {
    const s = [{ label: 'a', values: [1, 2] }];
    throwsWith(() => lineChartSVG(s, { width: 0 }), EpyNNError, 'lineChartSVG: width must be >= 320, got 0');
    throwsWith(() => lineChartSVG(s, { height: -5 }), EpyNNError, 'lineChartSVG: height must be >= 160, got -5');
    throwsWith(() => lineChartSVG(s, { width: NaN }), NonFiniteError, 'lineChartSVG: width must be a finite number, got NaN');
    throwsWith(() => lineChartSVG(s, { width: 1e9 }), EpyNNError, 'lineChartSVG: width must be <= 100000, got 1000000000');
    throwsWith(() => lineChartSVG(s, { height: '500' as never }), EpyNNError, "lineChartSVG: height must be a number, got '500'");
    throwsWith(() => lineChartSVG(s, { x0: 1e16 }), EpyNNError, 'lineChartSVG: x0 must be <= 1000000000000, got 10000000000000000');
    throwsWith(() => lineChartSVG([{ label: 'a' }] as never), EpyNNError, 'lineChartSVG: series[0] must be { label, values: number[] }');
    throwsWith(() => terminalChart(s, { width: 0 }), EpyNNError, 'terminalChart: width must be an integer >= 10, got 0');
    throwsWith(() => terminalChart(s, { height: 2.5 }), EpyNNError, 'terminalChart: height must be an integer >= 2, got 2.5');
    throwsWith(() => terminalChart(s, { width: 1e6 }), EpyNNError, 'terminalChart: width must be at most 1000 and height at most 200, got 1000000 and 12');
  });

  it('the terminal chart: ±1e308, equal huge values, only non-finite values', () => {
    const chart = terminalChart([{ label: 'wide', values: [1e308, -1e308, NaN, 0] }], { width: 20, height: 5 });
    const lines = chart.split('\n');
    expect(lines[0]).toBe(' 1.00e+308 |*' + ' '.repeat(19));
    expect(lines[4]).toMatch(/^-1\.00e\+308 \| {6}\*+/);
    expect(lines.at(-1)).toBe('1 value not finite (NaN or ±Infinity): not drawn');
    expect(terminalChart([{ label: 'flat', values: [MAX, MAX] }], { width: 10, height: 3 })).not.toMatch(/NaN|Infinity/);
    expect(terminalChart([{ label: 'none', values: [NaN, Infinity] }], { title: 't' })).toBe('t\n(no values to plot)\n2 values not finite (NaN or ±Infinity): not drawn');
  });
});
