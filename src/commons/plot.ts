// Training curves (EpyNN model.plot, which uses matplotlib): an SVG line chart built as a string,
// and a small text chart for terminals. Browser-safe: no DOM, no files (src/node writes the SVG).
import type { EpyNN } from '../network/models.js';
import { checkInteger, checkNumber, checkOptions, show } from './checks.js';
import { EpyNNError } from '../errors.js';

/** One line of a chart. */
export interface Series {
  /** Legend text. */
  label: string;
  /** y per x step (x = x0, x0 + 1, ...); NaN or infinite values leave a gap. */
  values: readonly number[];
  /** Stroke colour. @default from a palette */
  color?: string;
  /** SVG stroke-dasharray. @default solid */
  dash?: string;
  /** Extra data-* attributes on the series group (e.g. { metric: 'accuracy', dataset: 'dtrain' }). */
  data?: Record<string, string>;
}

/** Labels and size of a chart. */
export interface ChartOptions {
  title?: string;
  subtitle?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixel size. @default 860 x 500 */
  width?: number;
  height?: number;
  /** x of the first value. @default 0 */
  x0?: number;
}

/** Options of `model.plot()` and `plotSVG(model)`: the chart's labels and size, and the file path. */
export interface PlotOptions extends ChartOptions {
  /** File to write (Node only). @default plots/<uname>.svg */
  path?: string;
}

/** The option names of lineChartSVG and plotSVG, of model.plot, of terminalChart and of modelTerminalChart. */
export const CHART_OPTIONS = ['title', 'subtitle', 'xLabel', 'yLabel', 'width', 'height', 'x0'] as const;
export const PLOT_OPTIONS = [...CHART_OPTIONS, 'path'] as const;
export const TERMINAL_CHART_OPTIONS = ['width', 'height', 'title', 'x0'] as const;
export const MODEL_TERMINAL_CHART_OPTIONS = ['metrics', 'width', 'height'] as const;

/** Colour-blind-safe palette (Okabe-Ito), one colour per metric. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
/** Dash per dataset: dtrain solid, dval dashed, dtest dotted. */
const DASHES: Record<string, string | undefined> = { dtrain: undefined, dval: '7 4', dtest: '2 3' };
const SETS = ['dtrain', 'dval', 'dtest'] as const;

/** Escapes text for XML content and attribute values. */
export function escapeXML(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Most ticks niceTicks returns (a guard: the count asked for is at most 100). */
const MAX_TICKS = 1000;

/**
 * "Nice" tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 times a power of ten), for any
 * finite range: equal values, a range too narrow for the floats around it (e.g. [1e16, 1e16 + 2])
 * and ranges up to ±Number.MAX_VALUE. The ticks are computed by index (never by adding a step that
 * may be below the resolution of the values) and clamped to ±Number.MAX_VALUE. Non-finite bounds
 * give [0, 1].
 */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  checkInteger('niceTicks', 'count', count, 2);
  if (count > 100) throw new EpyNNError(`niceTicks: count must be at most 100, got ${count}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo > hi) [lo, hi] = [hi, lo];
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  // Near the top of the float range, work on values 1e10 times smaller (no overflow of hi − lo)
  if (big > 1e300) {
    const ticks = niceTicks(lo / 1e10, hi / 1e10, count).map((t) => Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, t * 1e10)));
    const out = ticks.filter((t, i) => i === 0 || t > ticks[i - 1]);
    // a bound negligible beside the range (5e-324 next to 1e300) may vanish in the scaling
    if (out[0] > lo) out.unshift(lo);
    if (out[out.length - 1] < hi) out.push(hi);
    return out;
  }
  // A single value, or a range the floats (and the labels) cannot resolve: widen it by 10% of the
  // magnitude (at least to ±1e-290, so that the steps are never subnormal)
  if (hi - lo <= big * 1e-9 || hi - lo < 1e-290) {
    const pad = big === 0 ? 1 : Math.max(big * 0.1, 1e-290);
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / (count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  if (!(step > 0) || !Number.isFinite(step)) return [lo, hi];
  // first · step <= lo and last · step >= hi, checked by multiplication (the quotients may round)
  let first = Math.floor(lo / step);
  if ((first + 1) * step <= lo) first++;
  else if (first * step > lo) first--;
  let last = Math.ceil(hi / step);
  if ((last - 1) * step >= hi) last--;
  else if (last * step < hi) last++;
  const n = Math.min(MAX_TICKS, last - first + 1);
  const ticks: number[] = [];
  for (let k = 0; k < n; k++) {
    const exact = (first + k) * step;
    // 12 significant digits hide the float noise of k · step, but the end ticks must still cover the range
    let v = Number(exact.toPrecision(12));
    if ((k === 0 && v > lo) || (k === n - 1 && v < hi)) v = exact;
    if (ticks.length === 0 || v > ticks[ticks.length - 1]) ticks.push(v);
  }
  return ticks.length >= 2 ? ticks : [lo, hi];
}

/**
 * Integer ticks for epochs x0..x1: multiples of an integer 1-2-5 step (1, 2, 5, 10, 20, 50, …), at most
 * 8 of them, so they are evenly spaced (a 2.5 step would give 0, 3, 5, 8).
 */
export function epochTicks(x0: number, x1: number): number[] {
  if (x1 <= x0) return [x0];
  const span = x1 - x0;
  let step = 1; // 1, 2, 5, 10, 20, 50, ... until at most 7 steps cover the span
  for (let mag = 1; span / step > 7; mag *= 10) {
    for (const f of [1, 2, 5]) {
      step = f * mag;
      if (span / step <= 7) break;
    }
  }
  const first = Math.ceil(x0 / step - 1e-9);
  const n = Math.min(MAX_TICKS, Math.floor(x1 / step + 1e-9) - first + 1);
  const ticks: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = Math.round((first + k) * step);
    if (ticks.length === 0 || v > ticks[ticks.length - 1]) ticks.push(v);
  }
  return ticks;
}

/** Smallest and largest finite values of the series, and how many values are not finite (a loop: no spread of huge arrays). */
function finiteRange(series: readonly Series[]): { lo: number; hi: number; skipped: number; any: boolean } {
  let lo = Infinity;
  let hi = -Infinity;
  let skipped = 0;
  for (const s of series) {
    for (const v of s.values) {
      if (!Number.isFinite(v)) skipped++;
      else {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return { lo, hi, skipped, any: lo <= hi };
}

/** The note printed under a chart when values were left out. */
const skippedNote = (n: number): string => `${n} value${n === 1 ? '' : 's'} not finite (NaN or ±Infinity): not drawn`;

/** Checks a chart's pixel or character size. */
function checkSize(where: string, name: string, v: number, min: number, max: number): number {
  checkNumber(where, name, v, { min, max });
  return v;
}

const label = (v: number): string => {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
};

/** An SVG line chart: axes with ticks and labels, grid, title, and a legend on the right. */
export function lineChartSVG(series: readonly Series[], options?: ChartOptions): string {
  options = checkOptions('lineChartSVG', options, CHART_OPTIONS, { call: 'lineChartSVG', lead: 'series, ', primary: 'title', example: "'loss'" });
  const { title = '', subtitle = '', xLabel = 'epoch', yLabel = 'value', width = 860, height = 500, x0 = 0 } = options;
  checkSize('lineChartSVG', 'width', width, 320, 100_000);
  checkSize('lineChartSVG', 'height', height, 160, 100_000);
  checkNumber('lineChartSVG', 'x0', x0, { min: -1e12, max: 1e12 });
  if (!Array.isArray(series as unknown)) throw new EpyNNError(`lineChartSVG: series must be an array of { label, values }, got ${show(series)}`);
  series.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || !Array.isArray(s.values)) throw new EpyNNError(`lineChartSVG: series[${i}] must be { label, values: number[] }, got ${show(s)}`);
  });
  const legendWidth = 190;
  const left = 70;
  const right = legendWidth + 20;
  const top = subtitle ? 62 : 48;
  const bottom = 58;
  const pw = width - left - right;
  const ph = height - top - bottom;

  const n = Math.max(1, ...series.map((s) => s.values.length));
  const range = finiteRange(series);
  const yt = range.any ? niceTicks(range.lo, range.hi) : niceTicks(0, 1);
  const [ylo, yhi] = [yt[0], yt[yt.length - 1]];
  const x1 = x0 + n - 1;
  const xt = epochTicks(x0, x1);
  // A small margin inside the frame, so lines at the extremes do not run along it. Halves of the
  // values are subtracted, so that a range of ±1.7e308 does not overflow.
  const xPad = x1 === x0 ? 0 : (x1 - x0) * 0.015;
  const yHalf = yhi / 2 - ylo / 2;
  const xs = (x: number): number => left + (x1 === x0 ? pw / 2 : ((x - x0 + xPad) / (x1 - x0 + 2 * xPad)) * pw);
  const ys = (y: number): number => top + ph - (((y / 2 - ylo / 2) / yHalf + 0.03) / 1.06) * ph;
  const r = (v: number): string => String(Math.round(v * 100) / 100);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<title>${escapeXML(title || 'chart')}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title) out.push(`<text x="${r(left + pw / 2)}" y="26" text-anchor="middle" font-size="16" font-weight="bold" fill="#222">${escapeXML(title)}</text>`);
  if (subtitle) out.push(`<text x="${r(left + pw / 2)}" y="45" text-anchor="middle" font-size="11" fill="#666">${escapeXML(subtitle)}</text>`);

  // Grid and ticks
  out.push('<g class="axes" stroke="#e3e3e3" stroke-width="1">');
  for (const v of yt) out.push(`<line x1="${left}" y1="${r(ys(v))}" x2="${left + pw}" y2="${r(ys(v))}"/>`);
  for (const v of xt) out.push(`<line x1="${r(xs(v))}" y1="${top}" x2="${r(xs(v))}" y2="${top + ph}"/>`);
  out.push('</g>');
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#444" stroke-width="1"/>`);
  out.push('<g class="ticks" fill="#333">');
  for (const v of yt) {
    out.push(`<line x1="${left - 5}" y1="${r(ys(v))}" x2="${left}" y2="${r(ys(v))}" stroke="#444"/>`);
    out.push(`<text x="${left - 8}" y="${r(ys(v) + 4)}" text-anchor="end">${escapeXML(label(v))}</text>`);
  }
  for (const v of xt) {
    out.push(`<line x1="${r(xs(v))}" y1="${top + ph}" x2="${r(xs(v))}" y2="${top + ph + 5}" stroke="#444"/>`);
    out.push(`<text x="${r(xs(v))}" y="${top + ph + 19}" text-anchor="middle">${v}</text>`);
  }
  out.push('</g>');
  out.push(`<text x="${r(left + pw / 2)}" y="${height - 14}" text-anchor="middle" font-size="13" fill="#222">${escapeXML(xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${r(top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="13" fill="#222">${escapeXML(yLabel)}</text>`);

  // Lines (a gap at every non-finite value); markers when there are few points
  const markers = n <= 30;
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const data = Object.entries(s.data ?? {}).map(([k, v]) => ` data-${k}="${escapeXML(v)}"`).join('');
    let d = '';
    let pen = false;
    s.values.forEach((v, k) => {
      if (!Number.isFinite(v)) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${r(xs(x0 + k))} ${r(ys(v))}`;
      pen = true;
    });
    out.push(`<g class="series"${data} data-label="${escapeXML(s.label)}">`);
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    if (markers) {
      s.values.forEach((v, k) => {
        if (Number.isFinite(v)) out.push(`<circle cx="${r(xs(x0 + k))}" cy="${r(ys(v))}" r="2.5" fill="${color}"/>`);
      });
    }
    out.push('</g>');
  });

  // Legend
  const lx = left + pw + 20;
  out.push(`<g class="legend" font-size="12" fill="#222">`);
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const y = top + 8 + i * 20;
    out.push(`<line x1="${lx}" y1="${y}" x2="${lx + 30}" y2="${y}" stroke="${color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(`<text x="${lx + 38}" y="${y + 4}">${escapeXML(s.label)}</text>`);
  });
  out.push('</g>');
  if (range.skipped > 0) {
    out.push(`<text class="note" x="${lx}" y="${height - 14}" font-size="11" fill="#666">${escapeXML(skippedNote(range.skipped))}</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** One series per metric (and the loss) × dataset that has values, coloured by metric, dashed by dataset. */
export function metricSeries(model: Pick<EpyNN, 'metrics'>): Series[] {
  const series: Series[] = [];
  Object.entries(model.metrics).forEach(([metric, sets], i) => {
    SETS.forEach((set, k) => {
      const values = sets[k] ?? [];
      if (values.length === 0) return;
      series.push({ label: `${metric} ${set}`, values, color: PALETTE[i % PALETTE.length], dash: DASHES[set], data: { metric, dataset: set } });
    });
  });
  return series;
}

/** The model's training curves as an SVG document (what model.plot() writes). */
export function plotSVG(model: Pick<EpyNN, 'metrics' | 'name' | 'uname' | 'loss'>, options?: ChartOptions): string {
  options = checkOptions('plotSVG', options, CHART_OPTIONS, { call: 'plotSVG', lead: 'model, ', primary: 'title', example: "'loss'" });
  return lineChartSVG(metricSeries(model), { title: model.name, subtitle: `${model.uname} · loss ${model.loss}`, yLabel: 'metric value', ...options });
}

const GLYPHS = ['*', 'o', '+', 'x', '#', '@', '%', '&'];

/**
 * A text chart of the series (ASCII only, so it prints anywhere): y labels on the left, epochs
 * below, one glyph per series, values between epochs interpolated so curves read as lines.
 */
export function terminalChart(
  series: readonly Series[], options?: { width?: number; height?: number; title?: string; x0?: number },
): string {
  const opts = checkOptions('terminalChart', options, TERMINAL_CHART_OPTIONS, { call: 'terminalChart', lead: 'series, ', primary: 'title', example: "'loss'" });
  const { width = 60, height = 12, title = '', x0 = 0 } = opts;
  checkInteger('terminalChart', 'width', width, 10);
  checkInteger('terminalChart', 'height', height, 2);
  if (width > 1000 || height > 200) throw new EpyNNError(`terminalChart: width must be at most 1000 and height at most 200, got ${show(width)} and ${show(height)}`);
  checkNumber('terminalChart', 'x0', x0, { min: -1e12, max: 1e12 });
  if (!Array.isArray(series as unknown)) throw new EpyNNError(`terminalChart: series must be an array of { label, values }, got ${show(series)}`);
  series.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || !Array.isArray(s.values)) throw new EpyNNError(`terminalChart: series[${i}] must be { label, values: number[] }, got ${show(s)}`);
  });
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const range = finiteRange(series);
  if (!range.any) return `${title}\n(no values to plot)${range.skipped > 0 ? `\n${skippedNote(range.skipped)}` : ''}`;
  let { lo, hi } = range;
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  if (hi === lo || hi - lo <= big * 1e-9) {
    // one value, or a range the floats cannot resolve: widen it (clamped to the float range)
    const pad = Math.max(0.5, big * 0.1);
    [lo, hi] = [Math.max(-Number.MAX_VALUE, lo - pad), Math.min(Number.MAX_VALUE, hi + pad)];
  }
  const half = hi / 2 - lo / 2; // halves: no overflow for a range of ±1.7e308
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  series.forEach((s, i) => {
    const glyph = GLYPHS[i % GLYPHS.length];
    for (let c = 0; c < width; c++) {
      const x = n === 1 ? 0 : (c / (width - 1)) * (n - 1);
      const a = Math.floor(x);
      const b = Math.min(a + 1, s.values.length - 1);
      if (a >= s.values.length) continue;
      const va = s.values[a];
      const vb = s.values[b];
      if (!Number.isFinite(va) || !Number.isFinite(vb)) continue;
      const t = x - a;
      const v = Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, va * (1 - t) + vb * t)); // no vb − va: it may overflow
      const row = height - 1 - Math.round(((v / 2 - lo / 2) / half) * (height - 1));
      if (Number.isFinite(row)) grid[Math.min(height - 1, Math.max(0, row))][c] = glyph;
    }
  });
  const fmtY = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4));
  const pad = Math.max(fmtY(hi).length, fmtY(lo).length);
  const lines: string[] = [];
  if (title) lines.push(title);
  grid.forEach((row, k) => {
    const y = k === 0 ? fmtY(hi) : k === height - 1 ? fmtY(lo) : k === Math.floor(height / 2) ? fmtY(lo + half * ((2 * (height - 1 - k)) / (height - 1))) : '';
    lines.push(`${y.padStart(pad)} |${row.join('')}`);
  });
  lines.push(`${' '.repeat(pad)} +${'-'.repeat(width)}`);
  const first = String(x0);
  const last = String(x0 + n - 1);
  lines.push(`${' '.repeat(pad + 2)}${first}${' '.repeat(Math.max(1, width - first.length - last.length))}${last}  (epoch)`);
  lines.push(series.map((s, i) => `${GLYPHS[i % GLYPHS.length]} ${s.label}`).join('   '));
  if (range.skipped > 0) lines.push(skippedNote(range.skipped));
  return lines.join('\n');
}

/**
 * The model's curves as a text chart (what `train({ chart: true })` prints at the end): by default
 * the first metric and the loss, for every dataset with values.
 */
export function modelTerminalChart(
  model: Pick<EpyNN, 'metrics' | 'name' | 'loss'>,
  options?: { metrics?: string[]; width?: number; height?: number },
): string {
  const opts = checkOptions('modelTerminalChart', options, MODEL_TERMINAL_CHART_OPTIONS, { call: 'modelTerminalChart', lead: 'model, ', primary: 'metrics', example: "['accuracy']" });
  const { metrics, width, height } = opts;
  const names = Object.keys(model.metrics);
  const shown = metrics ?? [...new Set([names[0], model.loss].filter((k) => k !== undefined && k in model.metrics))];
  const series = metricSeries(model).filter((s) => shown.includes(s.data?.metric ?? ''));
  return terminalChart(series, { title: `${model.name}: ${shown.join(' and ')} per epoch`, width, height });
}
