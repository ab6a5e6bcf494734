// The per-batch curves: every batch's raw value as a dot, an exponentially smoothed line over them
// (debiased, as TensorBoard smooths), as a small SVG string.
import type { BatchPoint } from './worker.js';

/** Exponential moving average with bias correction (the first points are not pulled towards 0). */
export function smooth(values: readonly number[], weight: number): number[] {
  const out: number[] = [];
  let last = 0;
  let k = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(NaN);
      continue;
    }
    last = last * weight + (1 - weight) * v;
    k++;
    out.push(last / (1 - weight ** k));
  }
  return out;
}

/** An SVG chart of one batch metric: the raw points and the smoothed line; epochs marked on the x axis. */
export function batchChartSVG(points: readonly BatchPoint[], key: 'cost' | 'accuracy', title: string, { width = 420, height = 180, weight = 0.9 } = {}): string {
  const pad = { l: 44, r: 10, t: 20, b: 24 };
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const ys = points.map((p) => p[key]).filter(Number.isFinite);
  if (points.length === 0 || ys.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="${pad.l}" y="${height / 2}" font-size="12" fill="#66707a">${title}: waiting for the first batch…</text></svg>`;
  const x0 = points[0].step;
  const x1 = Math.max(x0 + 1, points[points.length - 1].step);
  let lo = key === 'accuracy' ? 0 : Math.min(...ys);
  let hi = key === 'accuracy' ? 1 : Math.max(...ys);
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const X = (s: number): number => pad.l + ((s - x0) / (x1 - x0)) * w;
  const Y = (v: number): number => pad.t + (1 - (v - lo) / (hi - lo)) * h;
  // at most ~1,500 dots: every k-th point beyond that (the line uses every point)
  const every = Math.max(1, Math.ceil(points.length / 1500));
  const dots = points.filter((_, i) => i % every === 0).map((p) => `<circle cx="${X(p.step).toFixed(1)}" cy="${Y(p[key]).toFixed(1)}" r="1.4"/>`).join('');
  const sm = smooth(points.map((p) => p[key]), weight);
  const line = sm.map((v, i) => (Number.isFinite(v) ? `${i === 0 ? 'M' : 'L'}${X(points[i].step).toFixed(1)},${Y(v).toFixed(1)}` : '')).join('');
  const epochs: string[] = [];
  for (let i = 1; i < points.length; i++) {
    if (points[i].epoch !== points[i - 1].epoch) epochs.push(`<line x1="${X(points[i].step)}" x2="${X(points[i].step)}" y1="${pad.t}" y2="${pad.t + h}" stroke="#dde2e7"/><text x="${X(points[i].step) + 2}" y="${pad.t + 10}" font-size="9" fill="#66707a">epoch ${points[i].epoch + 1}</text>`);
  }
  const last = sm[sm.length - 1];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="batchchart" data-points="${points.length}">` +
    `<text x="${pad.l}" y="13" font-size="12" font-weight="600">${title}</text>` +
    `<text x="${width - pad.r}" y="13" font-size="11" text-anchor="end" fill="#66707a">smoothed ${Number.isFinite(last) ? last.toPrecision(4) : '—'} · ${points.length} batches</text>` +
    `<rect x="${pad.l}" y="${pad.t}" width="${w}" height="${h}" fill="none" stroke="#dde2e7"/>` + epochs.join('') +
    `<text x="${pad.l - 4}" y="${pad.t + 8}" font-size="10" text-anchor="end" fill="#66707a">${hi.toPrecision(3)}</text>` +
    `<text x="${pad.l - 4}" y="${pad.t + h}" font-size="10" text-anchor="end" fill="#66707a">${lo.toPrecision(3)}</text>` +
    `<text x="${pad.l + w / 2}" y="${height - 6}" font-size="10" text-anchor="middle" fill="#66707a">batch</text>` +
    `<g fill="#0072b2" fill-opacity="0.25">${dots}</g><path d="${line}" fill="none" stroke="#d55e00" stroke-width="1.8"/></svg>`;
}

/** Several runs' smoothed batch curves over one another (the same seed, another optimizer, ...). */
export function compareChartSVG(runs: { name: string; color: string; points: readonly BatchPoint[] }[], key: 'cost' | 'accuracy', title: string, { width = 420, height = 200, weight = 0.9 } = {}): string {
  const pad = { l: 44, r: 10, t: 20, b: 24 };
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const all = runs.flatMap((r) => r.points.map((p) => p[key])).filter(Number.isFinite);
  const n = Math.max(1, ...runs.map((r) => r.points.length));
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="${pad.l}" y="${height / 2}" font-size="12" fill="#66707a">${title}: waiting…</text></svg>`;
  let lo = key === 'accuracy' ? 0 : Math.min(...all);
  let hi = key === 'accuracy' ? 1 : Math.max(...all);
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const X = (i: number): number => pad.l + (i / Math.max(1, n - 1)) * w;
  const Y = (v: number): number => pad.t + (1 - (v - lo) / (hi - lo)) * h;
  const lines = runs.map((r, k) => {
    const sm = smooth(r.points.map((p) => p[key]), weight);
    const d = sm.map((v, i) => (Number.isFinite(v) ? `${i === 0 ? 'M' : 'L'}${X(i).toFixed(1)},${Y(v).toFixed(1)}` : '')).join('');
    const last = sm[sm.length - 1];
    return `<path d="${d}" fill="none" stroke="${r.color}" stroke-width="1.8"/><text x="${width - pad.r}" y="${pad.t + 12 + 12 * k}" font-size="11" text-anchor="end" fill="${r.color}">${r.name} ${Number.isFinite(last) ? last.toPrecision(3) : ''}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="batchchart">` +
    `<text x="${pad.l}" y="13" font-size="12" font-weight="600">${title}</text><rect x="${pad.l}" y="${pad.t}" width="${w}" height="${h}" fill="none" stroke="#dde2e7"/>` +
    `<text x="${pad.l - 4}" y="${pad.t + 8}" font-size="10" text-anchor="end" fill="#66707a">${hi.toPrecision(3)}</text>` +
    `<text x="${pad.l - 4}" y="${pad.t + h}" font-size="10" text-anchor="end" fill="#66707a">${lo.toPrecision(3)}</text>` +
    `<text x="${pad.l + w / 2}" y="${height - 6}" font-size="10" text-anchor="middle" fill="#66707a">batch</text>${lines}</svg>`;
}
