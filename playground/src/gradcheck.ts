// The gradient check of the playground: the layers' analytic gradients (backward + computeGradients on
// one batch) against central finite differences of the batch's total loss, per layer and parameter.
// It runs on a copy of the model (EpyNN.fromJSON of toJSON: the same bits), so the model being trained or
// stepped keeps its caches and parameters.
import { type DataSet, EpyNN, type NDArray } from '../../src/index.js';

/** One parameter array checked. */
export interface GradCheckRow {
  layer: number;
  name: string;
  param: string;
  /** Entries compared (a seeded sample of the array). */
  checked: number;
  /** The largest |analytic − numeric| / max(1e-7, |analytic| + |numeric|) over them. */
  maxRel: number;
  /** Entries left out: the loss has a kink there (a ReLU input or a pooling tie at exactly the point). */
  kinks: number;
  /** Why the numbers cannot agree, when they cannot (gradient clipping). */
  note: string;
}

/** The total loss of a batch: Σ over samples of the model's loss, whose gradient the layers compute. */
function totalLoss(m: EpyNN, X: NDArray, Y: NDArray): number {
  const A = m.forward(X);
  return m.trainingLoss(Y, A).data.reduce((a, v) => a + v, 0);
}

/**
 * Checks every parameter array of `model` on the batch (X, Y): up to `perArray` entries each (all of a
 * small array), h the step of the central differences.
 */
export function gradientCheck(model: EpyNN, batch: Pick<DataSet, 'X' | 'Y'>, { perArray = 12, h = 1e-6 } = {}): GradCheckRow[] {
  if (model.layers.some((l) => l.name === 'Dropout')) {
    throw new Error('the gradient check needs the same forward pass every time, and Dropout draws a new mask at each one: remove the Dropout layers to check the others');
  }
  const m = EpyNN.fromJSON(JSON.stringify(model.toJSON()));
  m.logger = { tty: false, line: () => {}, redraw: () => {} };
  const X = batch.X;
  const Y = batch.Y!;
  m.setTraining(true);
  try {
    // analytic: one forward, the loss derivative, every layer's backward and computeGradients (no update)
    const A = m.forward(X);
    let dX = m.trainingLoss(Y, A, true);
    for (let i = m.layers.length - 1; i >= 1; i--) {
      dX = m.layers[i].backward(dX);
      m.layers[i].computeGradients();
    }
    const rows: GradCheckRow[] = [];
    let seed = 12345;
    const pick = (n: number): number[] => {
      if (n <= perArray) return Array.from({ length: n }, (_, i) => i);
      const out = new Set<number>();
      while (out.size < perArray) {
        seed = (seed * 16807) % 2147483647;
        out.add(seed % n);
      }
      return [...out].sort((a, b) => a - b);
    };
    m.layers.forEach((layer, li) => {
      for (const [k, P] of Object.entries(layer.p)) {
        const G = layer.g[`d${k}`];
        if (!G) continue;
        const analytic = G.data.slice();
        const clips = (layer as unknown as { clipGradients?: boolean }).clipGradients === true;
        let maxRel = 0;
        let kinks = 0;
        const idx = pick(P.data.length);
        const l0 = totalLoss(m, X, Y);
        for (const i of idx) {
          const old = P.data[i];
          P.data[i] = old + h;
          const lp = totalLoss(m, X, Y);
          P.data[i] = old - h;
          const lm = totalLoss(m, X, Y);
          P.data[i] = old;
          // a kink (not differentiable here: a ReLU input at exactly 0, e.g. a zero window plus a zero bias):
          // the one-sided slopes differ, and the analytic value is one of them, not their mean
          const right = (lp - l0) / h;
          const left = (l0 - lm) / h;
          if (Math.abs(right - left) > 1e-4 * (Math.abs(right) + Math.abs(left)) + 1e-9) {
            kinks++;
            continue;
          }
          const numeric = (lp - lm) / (2 * h);
          const rel = Math.abs(analytic[i] - numeric) / Math.max(1e-7, Math.abs(analytic[i]) + Math.abs(numeric));
          maxRel = Math.max(maxRel, rel);
        }
        const pools = m.layers.some((l) => l.name === 'Pooling' && (l as unknown as { pool: string }).pool !== 'mean');
        const note = clips ? 'gradients clipped (clipGradients): the analytic values are scaled on purpose'
          : pools ? 'max/min pooling: where a window holds tied maxima (a flat background), EpyNN\'s backward passes the gradient to every tied element; the derivative of max does not (try mean pooling)' : '';
        rows.push({ layer: li, name: layer.name, param: k, checked: idx.length - kinks, kinks, maxRel, note });
      }
    });
    return rows;
  } finally {
    m.setTraining(false);
  }
}
