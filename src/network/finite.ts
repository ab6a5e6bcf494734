// Finite numbers during training, or a clear stop: after every batch the output, the loss gradient
// and the updated parameters are checked; after every epoch the loss. A NaN or an infinity stops
// train() with a NonFiniteError naming the epoch, the batch, the layer and the array, and puts back
// the parameters of the last good epoch (copied once per epoch). Divergence that stays finite (the
// loss growing or stuck for several epochs) is a warning in the training log, once per train().
import { NonFiniteError } from '../errors.js';
import type { DataSet } from '../commons/models.js';
import type { NDArray } from '../commons/ndarray.js';
import { type RngState, restoreRng } from '../commons/rng.js';
import type { EpyNN } from './models.js';

/** Epochs in a row the loss must grow (or stay exactly the same) before the warning. */
export const DIVERGENCE_EPOCHS = 5;

/** How many values of `a` are NaN and how many are ±Infinity (0, 0 when all are finite). */
function countNonFinite(a: Float64Array): { nan: number; inf: number } {
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) {
      // only NaN and ±Infinity fail v - v === 0
      if (v !== v) nan++;
      else inf++;
    }
  }
  return { nan, inf };
}

/** True when every value is finite (the fast path: one subtraction per value). */
function allFinite(a: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] - a[i]; // NaN as soon as one value is not finite
  return s === 0;
}

const describe = (c: { nan: number; inf: number }, n: number): string =>
  [c.nan > 0 ? `${c.nan} NaN` : '', c.inf > 0 ? `${c.inf} infinite` : ''].filter(Boolean).join(' and ') + ` of ${n} values`;

/** The checks of one train() call. */
export class TrainingGuard {
  private snapshot: Float64Array[][] = [];
  /** Length of every metric history at the start of the epoch. */
  private lengths: number[][] = [];
  /** Every layer's random state at the start of the epoch, and the Embedding's batch order (compat). */
  private rngs: RngState[] = [];
  /** Per layer: the optimizer state (by parameter key) and update count at the epoch's start. */
  private optimizerStates: { s: Record<string, Float64Array>; steps: number }[] = [];
  private zipOrder: number[] | undefined;
  private losses: number[] = [];
  private warned = false;

  constructor(private readonly model: EpyNN) {}

  private stop(message: string): never {
    const m = this.model;
    this.restore();
    const good = m.epochsDone;
    throw new NonFiniteError(
      `EpyNN.train: ${message}; training stopped, the model keeps the parameters of ${good > 0 ? `epoch ${good - 1}, the last good one` : 'before training'} (epochsDone = ${good}). ` +
        'Lower the learning rate, or check the data and custom activations',
    );
  }

  /** Where in training we are, for messages. */
  private at(batch?: number, batches?: number): string {
    return batch === undefined ? `epoch ${this.model.e}` : `epoch ${this.model.e}, batch ${batch}/${(batches ?? 1) - 1}`;
  }

  /** The first parameter array (layer order) holding a NaN or an infinity, described; undefined if none. */
  private badParameter(): string | undefined {
    for (const [i, layer] of this.model.layers.entries()) {
      for (const [k, P] of Object.entries(layer.p)) {
        if (allFinite(P.data)) continue;
        const g = layer.g[`d${k}`];
        const cause = g !== undefined && !allFinite(g.data) ? `its gradient g.d${k} holds ${describe(countNonFinite(g.data), g.data.length)}` : '';
        const lr = layer.lrate[layer.e] ?? layer.hPars.learning_rate;
        return `layer ${i} (${layer.name}) p.${k} holds ${describe(countNonFinite(P.data), P.data.length)}${cause ? ` (${cause})` : ''} at learning rate ${lr}`;
      }
    }
    return undefined;
  }

  /** Before the first epoch: the parameters must be finite (they are the fallback). */
  start(): void {
    const bad = this.badParameter();
    if (bad !== undefined) throw new NonFiniteError(`EpyNN.train: before training, ${bad}; nothing was trained`);
  }

  /** At the start of each epoch: a copy of every parameter and random state (the last good epoch's). */
  startEpoch(): void {
    this.snapshot = this.model.layers.map((layer) => Object.values(layer.p).map((P) => P.data.slice()));
    this.rngs = this.model.layers.map((layer) => layer.rng.state());
    this.optimizerStates = this.model.layers.map((layer) => ({ s: Object.fromEntries(Object.entries(layer.s).map(([k, v]) => [k, v.slice()])), steps: layer.steps }));
    const zip = this.model.embedding.zipOrder;
    this.zipOrder = zip === undefined ? undefined : [...zip];
    this.lengths = Object.values(this.model.metrics).map((sets) => sets.map((values) => values.length));
  }

  /**
   * Puts the parameters (in place: arrays shared with others stay shared), the optimizer state and the
   * random states of the last good epoch back, so that training again continues exactly from there.
   */
  restore(): void {
    const m = this.model;
    m.layers.forEach((layer, i) => {
      Object.values(layer.p).forEach((P, k) => {
        const saved = this.snapshot[i]?.[k];
        if (saved !== undefined && saved.length === P.data.length) P.data.set(saved);
      });
      if (this.rngs[i] !== undefined) layer.rng = restoreRng(this.rngs[i]);
      const opt = this.optimizerStates[i];
      if (opt !== undefined) {
        layer.s = opt.s;
        layer.steps = opt.steps;
      }
    });
    if (this.zipOrder !== undefined) m.embedding.zipOrder = [...this.zipOrder];
    m.epochs = m.epochsDone;
    m.e = Math.max(0, m.epochsDone - 1);
  }

  /** After a batch's forward pass and loss gradient: both must be finite. */
  afterForward(batch: DataSet, A: NDArray, dA: NDArray, i: number, n: number): void {
    if (allFinite(A.data) && allFinite(dA.data)) return;
    if (!allFinite(A.data)) {
      // The parameters were finite after the previous batch: find the layer whose output is not
      const layer = this.firstBadOutput(batch.X);
      this.stop(`at ${this.at(i, n)}, ${layer ?? `the network output holds ${describe(countNonFinite(A.data), A.data.length)}`}`);
    }
    this.stop(`at ${this.at(i, n)}, the gradient of the loss (${this.model.loss}) holds ${describe(countNonFinite(dA.data), dA.data.length)} (the output is finite)`);
  }

  /** Re-runs the batch layer by layer (only after a failure) to name the first non-finite output. */
  private firstBadOutput(X: NDArray): string | undefined {
    if (!allFinite(X.data)) return `the input batch holds ${describe(countNonFinite(X.data), X.data.length)}`;
    let A = X;
    for (const [i, layer] of this.model.layers.entries()) {
      try {
        A = layer.forward(A);
      } catch {
        return undefined;
      }
      if (!allFinite(A.data)) return `the forward output of layer ${i} (${layer.name}) holds ${describe(countNonFinite(A.data), A.data.length)} (its input and parameters are finite)`;
    }
    return undefined;
  }

  /** After a batch's backward pass and update: every parameter must be finite. */
  afterUpdate(i: number, n: number): void {
    for (const layer of this.model.layers) {
      for (const P of Object.values(layer.p)) {
        if (!allFinite(P.data)) this.stop(`at ${this.at(i, n)}, after the update, ${this.badParameter()}`);
      }
    }
  }

  /**
   * After the epoch's evaluation: the loss of every set must be finite (it is removed again from
   * the history if not). Then the divergence check on the training loss.
   */
  afterEvaluate(): void {
    const m = this.model;
    const names = Object.keys(m.metrics);
    const added = (metric: number, set: number): boolean => m.metrics[names[metric]][set].length > (this.lengths[metric]?.[set] ?? 0);
    const li = names.indexOf(m.loss);
    if (li < 0) return;
    const loss = m.metrics[m.loss];
    const bad = loss.findIndex((values, k) => added(li, k) && !Number.isFinite(values[values.length - 1]));
    if (bad >= 0) {
      const value = loss[bad][loss[bad].length - 1];
      names.forEach((name, j) => m.metrics[name].forEach((values, k) => (values.length = this.lengths[j]?.[k] ?? 0)));
      this.stop(`at ${this.at()}, the ${m.loss} loss on ${['dtrain', 'dval', 'dtest'][bad]} is ${value} (the parameters are finite but too large?)`);
    }
    if (added(li, 0)) this.watch(loss[0][loss[0].length - 1]);
  }

  /** Finite divergence: the training loss growing, or frozen, for DIVERGENCE_EPOCHS epochs in a row. */
  private watch(value: number): void {
    this.losses.push(value);
    const k = DIVERGENCE_EPOCHS;
    if (this.warned || this.losses.length <= k) return;
    const last = this.losses.slice(-k - 1);
    const growing = last.every((v, j) => j === 0 || v > last[j - 1]);
    const frozen = last[0] > 1e-8 && last.every((v) => v === last[0]);
    if (!growing && !frozen) return;
    this.warned = true;
    const m = this.model;
    const what = growing
      ? `the training loss (${m.loss}) grew for ${k} epochs in a row, from ${last[0]} to ${last[k]}`
      : `the training loss (${m.loss}) stayed at exactly ${last[0]} for ${k} epochs (saturated units, no gradient)`;
    const warning = `WARNING epoch ${m.e}: ${what}: the training diverges; lower the learning rate?`;
    m.trainingWarnings.push(warning);
    m.logger.line(warning);
  }
}
