// Training curves: the SVG is well-formed XML with one series per metric x dataset; the text chart.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { epochTicks, lineChartSVG, metricSeries, modelTerminalChart, niceTicks, plotSVG, terminalChart } from '../../src/commons/plot.js';
import { memoryOutput } from '../../src/commons/logs.js';
import '../../src/node/fs.js';
import { allElements, parseXML } from '../helpers/xml.js';
import { imageModel } from '../io/models.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-plot-'));

describe('model.plot()', () => {
  const model = imageModel(2).train({ epochs: 5, quiet: true });

  it('writes an SVG that parses as XML, titled with the model name, with one series per metric x dataset', () => {
    const path = model.plot({ path: join(dir, 'curves.svg') });
    const root = parseXML(readFileSync(path, 'utf8'));
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    const elements = allElements(root);
    expect(elements.some((e) => e.name === 'text' && e.text === 'io_image')).toBe(true);
    const series = elements.filter((e) => e.name === 'g' && e.attrs.class === 'series');
    // accuracy, precision, CCE x dtrain, dval, dtest (relativeSize [2, 1, 1])
    const expected = ['accuracy', 'precision', 'CCE'].flatMap((m) => ['dtrain', 'dval', 'dtest'].map((d) => `${m}/${d}`));
    expect(series.map((g) => `${g.attrs['data-metric']}/${g.attrs['data-dataset']}`).sort()).toEqual(expected.sort());
    // every series draws a path with 5 points minus the NaN gaps of precision
    for (const g of series) {
      const path = g.children.find((c) => c.name === 'path')!;
      const points = path.attrs.d.match(/[ML]/g)!.length;
      const values = model.metrics[g.attrs['data-metric']][['dtrain', 'dval', 'dtest'].indexOf(g.attrs['data-dataset'])];
      expect(points).toBe(values.filter(Number.isFinite).length);
    }
    // legend: one entry per series; axis labels
    const legend = elements.find((e) => e.name === 'g' && e.attrs.class === 'legend')!;
    expect(legend.children.filter((c) => c.name === 'text').map((t) => t.text)).toEqual(series.map((g) => g.attrs['data-label']));
    expect(elements.filter((e) => e.name === 'text').map((t) => t.text)).toEqual(expect.arrayContaining(['epoch', 'metric value']));
  });

  it('defaults to plots/<uname>.svg', () => {
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'epynn-plotcwd-')));
    try {
      expect(model.plot()).toBe(join('plots', `${model.uname}.svg`));
      expect(readFileSync(join('plots', `${model.uname}.svg`), 'utf8')).toContain('<svg');
    } finally {
      process.chdir(cwd);
    }
  });

  it('escapes text and draws a single epoch as a point', () => {
    const svg = lineChartSVG([{ label: 'a<b & "c"', values: [0.5] }], { title: 'x & y <z>' });
    const root = parseXML(svg);
    const texts = allElements(root).filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toContain('x & y <z>');
    expect(texts).toContain('a<b & "c"');
    expect(allElements(root).filter((e) => e.name === 'circle')).toHaveLength(1);
  });

  it('plotSVG works on a model read without data (metrics only)', () => {
    const svg = plotSVG({ name: 'n', uname: '1_n', loss: 'MSE', metrics: { MSE: [[3, 2, 1], [], []] } });
    const series = allElements(parseXML(svg)).filter((e) => e.attrs.class === 'series');
    expect(series.map((s) => s.attrs['data-label'])).toEqual(['MSE dtrain']);
  });
});

describe('ticks and the terminal chart', () => {
  it('epoch ticks are evenly spaced integers (an integer 1-2-5 step), at most 8', () => {
    expect(epochTicks(0, 0)).toEqual([0]);
    expect(epochTicks(0, 4)).toEqual([0, 1, 2, 3, 4]);
    expect(epochTicks(0, 7)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(epochTicks(0, 15)).toEqual([0, 5, 10, 15]); // not 0, 3, 5, 8, ... (a 2.5 step)
    expect(epochTicks(0, 9)).toEqual([0, 2, 4, 6, 8]);
    expect(epochTicks(3, 99)).toEqual([20, 40, 60, 80]);
    expect(epochTicks(0, 999_999)).toEqual([0, 200_000, 400_000, 600_000, 800_000]);
    for (const [a, b] of [[0, 1], [0, 13], [5, 250], [0, 1234], [17, 40]]) {
      const t = epochTicks(a, b);
      expect(t.length).toBeLessThanOrEqual(8);
      expect(t.every(Number.isInteger)).toBe(true);
      const steps = new Set(t.slice(1).map((v, i) => v - t[i]));
      expect(steps.size).toBeLessThanOrEqual(1);
      expect(t[0]).toBeGreaterThanOrEqual(a);
      expect(t[t.length - 1]).toBeLessThanOrEqual(b);
    }
  });

  it('niceTicks covers the range with 1-2-5 steps', () => {
    expect(niceTicks(0.03, 0.97)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    const t = niceTicks(5, 5);
    expect(t[0]).toBeLessThan(5);
    expect(t[t.length - 1]).toBeGreaterThan(5);
  });

  it('draws each series with its glyph between the range labels', () => {
    const chart = terminalChart([{ label: 'up', values: [0, 1, 2, 3] }, { label: 'flat', values: [1.5, 1.5, 1.5, 1.5] }], { width: 20, height: 5 });
    const lines = chart.split('\n');
    // 20 columns over epochs 0..3: the rising line reaches the top row in its last 3 columns
    expect(lines[0]).toBe(`3.0000 |${' '.repeat(17)}***`);
    expect(lines[4]).toBe(`0.0000 |***${' '.repeat(17)}`);
    expect(lines[2]).toContain('o'.repeat(5));
    expect(lines.at(-1)).toBe('* up   o flat');
    expect(lines.at(-2)).toContain('0');
    expect(lines.at(-2)).toContain('3  (epoch)');
  });

  it('train({ chart: true }) ends with the first metric and the loss per epoch', () => {
    const model = imageModel(3);
    const out = memoryOutput();
    model.logger = out;
    model.train({ epochs: 3, initLogs: false, chart: true });
    const chart = out.lines.at(-1)!;
    expect(chart).toContain('io_image: accuracy and CCE per epoch');
    expect(chart).toContain('* accuracy dtrain   o accuracy dval   + accuracy dtest   x CCE dtrain');
    expect(modelTerminalChart(model)).toBe(chart.trimStart());
    expect(metricSeries(model)).toHaveLength(9);
  });
});
