// Data parallelism, the part every thread runs: how a batch is cut into shards, and a replica of the
// network that computes one shard (forward, loss gradient, backward, gradients) or one chunk of a
// forward pass. The main thread and every worker compute a shard with the same code on the same
// numbers, so a shard's gradients have the same bits wherever it ran; the main thread sums the shards
// in their order. Hence the same parameters after training for 1, 2 or 8 threads.
import { EpyNNError } from '../errors.js';
import { type BatchReduction, type Layer, checkLayerOutput } from '../commons/models.js';
import { NDArray, size } from '../commons/ndarray.js';
import type { EpyNN } from '../network/models.js';
import { setMode } from '../network/mode.js';

/** Samples per shard aimed at: below this a shard's fixed costs outweigh what a second thread brings. */
export const SHARD_ROWS = 8;
/** At most this many shards per batch. */
export const MAX_SHARDS = 16;
/** At most this many gradient values kept for the shards of one batch (S × parameters; 256 MB of doubles). */
export const MAX_SHARD_VALUES = 32 * 2 ** 20;

/**
 * How many shards a batch of m samples is cut into, for a model of `params` parameters. It depends
 * on the batch and the model only, never on the number of threads: that is what keeps the results
 * the same for any thread count.
 */
export function shardCount(m: number, params: number): number {
  const byRows = Math.min(MAX_SHARDS, Math.floor(m / SHARD_ROWS));
  const byMemory = params === 0 ? MAX_SHARDS : Math.floor(MAX_SHARD_VALUES / params);
  return Math.max(1, Math.min(byRows, byMemory));
}

/** Rows [start, end) of shard s of S over m samples (sizes differ by at most one). */
export function shardRows(m: number, S: number, s: number): [number, number] {
  return [Math.floor((s * m) / S), Math.floor(((s + 1) * m) / S)];
}

/** Where one parameter array of the network lives in the flat parameter and gradient buffers. */
export interface Slot {
  /** Layer index in model.layers. */
  layer: number;
  /** Parameter key (`W`); its gradient is `g['d' + key]`. */
  key: string;
  offset: number;
  size: number;
  /** Whether it has a gradient (false for the layer's nonTrainableKeys: BatchNormalization's running statistics). */
  gradient: boolean;
}

/** Every parameter array of the layers after the Embedding, one after the other. */
export function parameterSlots(model: EpyNN): { slots: Slot[]; total: number } {
  const slots: Slot[] = [];
  let total = 0;
  model.layers.forEach((layer, i) => {
    if (i === 0) return;
    for (const [key, P] of Object.entries(layer.p)) {
      slots.push({ layer: i, key, offset: total, size: P.data.length, gradient: !layer.nonTrainableKeys.includes(key) });
      total += P.data.length;
    }
  });
  return { slots, total };
}

/** Copies every parameter of `model` into `flat` (the layout of `slots`). */
export function gatherParameters(model: EpyNN, slots: readonly Slot[], flat: Float64Array): void {
  for (const s of slots) flat.set(model.layers[s.layer].p[s.key].data, s.offset);
}

/** The place of a layer that draws (traits.drawsRandom: Dropout) in the flat buffer of the uniforms drawn for a batch, and their shape. */
export interface MaskSlot {
  layer: number;
  offset: number;
  /** The shape of the whole batch's draws (Layer.randomShape: Dropout's fs.D for m samples). */
  shape: number[];
}

/**
 * A layer with batch statistics (traits.batchStatistics with batchReduction(): BatchNormalization) in a
 * staged training step: where its state lives in the shared buffers Z, D and B between the stages.
 */
export interface NormSlot {
  /** Layer index in model.layers. */
  layer: number;
  /** Channels n (the last axis). */
  n: number;
  /** The shape of one sample at its input (and output). */
  shape: number[];
  /** Values per channel in the whole batch (R = m × size(shape) / n): the divisor of its statistics. */
  rows: number;
  /** Offset in Z of its input rows and in D of the gradient rows of its output (m × size(shape) values each). */
  z: number;
  d: number;
  /**
   * Offset in B of its reduced values — mean, variance, Σ dX̂, Σ dX̂ ⊙ X̂ (n each) — followed by each
   * shard's two partial sums (2n values per shard, shard s at b + 4n + 2n·s).
   */
  b: number;
}

/** Values of B a NormSlot of n channels takes (its reduced values and MAX_SHARDS shards' partial sums). */
export const normValues = (n: number): number => 4 * n + 2 * n * MAX_SHARDS;

/**
 * One stage of a training step with K layers of batch statistics (norms 0..K−1, in layer order): every
 * shard runs it, then the calling thread adds the shards' partial sums in shard order (stageReduce).
 *
 *   forward k    the layers after norm k−1 (norm k−1 itself on the whole batch's statistics) up to norm
 *                k's input, kept in Z; the shard's Σ x per channel                            → μ_k
 *   variance k   from Z: the shard's Σ (x − μ_k)²                                             → σ²_k
 *   last         norm K−1 and every layer after it, the loss gradient, backward down to norm K−1's
 *                output (its gradient kept in D); the shard's Σ dX̂, Σ dX̂ ⊙ X̂ for norm K−1  → its sums
 *   backward k   (k = K−1 … 0) forward again from norm k−1's input (Z) to norm k (the caches the
 *                backward needs: recomputed, the same bits), then norm k's backward on the whole batch's
 *                sums and backward down to norm k−1's output (kept in D) with its shard sums, or to the
 *                first layer (k = 0)
 *
 * Each layer's gradients come from exactly one stage (last, or the backward stage below it).
 */
export type Stage = { kind: 'forward' | 'variance' | 'backward'; k: number } | { kind: 'last' };

/** The stages of a training step with K layers of batch statistics, in order. */
export function stagePlan(K: number): Stage[] {
  const plan: Stage[] = [];
  for (let k = 0; k < K; k++) plan.push({ kind: 'forward', k }, { kind: 'variance', k });
  plan.push({ kind: 'last' });
  for (let k = K - 1; k >= 0; k--) plan.push({ kind: 'backward', k });
  return plan;
}

/**
 * After a stage, on the calling thread: the shards' partial sums added in shard order (fixed: the same
 * bits for any thread count) into the reduced values of the norm the stage computed them for.
 */
export function stageReduce(stage: Stage, norms: readonly NormSlot[], S: number, B: Float64Array): void {
  let norm: NormSlot;
  let part: number; // which of the two partial sums
  let into: number[]; // where the reduced values go (offsets from nm.b), and whether they are divided by rows
  if (stage.kind === 'forward' || stage.kind === 'variance') {
    norm = norms[stage.k];
    part = stage.kind === 'forward' ? 0 : 1;
    into = [stage.kind === 'forward' ? 0 : 1];
  } else {
    const k = stage.kind === 'last' ? norms.length - 1 : stage.k - 1;
    if (k < 0) return; // backward 0: no norm below
    norm = norms[k];
    part = 0;
    into = [2, 3];
  }
  const { n, b } = norm;
  for (const [i, slot] of into.entries()) {
    const out = B.subarray(b + slot * n, b + (slot + 1) * n);
    const p = part + i;
    out.set(B.subarray(b + 4 * n + p * n, b + 4 * n + (p + 1) * n));
    for (let s = 1; s < S; s++) {
      const base = b + 4 * n + 2 * n * s + p * n;
      for (let c = 0; c < n; c++) out[c] += B[base + c];
    }
    // μ = Σ x / R and σ² = Σ (x − μ)² / R; the gradient sums are divided by R in the layer's backward
    if (slot < 2) for (let c = 0; c < n; c++) out[c] /= norm.rows;
  }
}

/**
 * @internal Backward stages run (on this thread) and those that computed the forward again (their
 * shard's earlier stages ran on another thread); `recompute` forces it (tests: the same bits either way).
 */
export const stageStats = { backward: 0, recomputed: 0, recompute: false };

/** The buffers of a staged training shard. */
export interface StageData {
  X: NDArray;
  Y: NDArray;
  uniforms: Map<number, Float64Array>;
  out: Float64Array;
  slots: readonly Slot[];
  grads: Float64Array;
  Z: Float64Array;
  D: Float64Array;
  B: Float64Array;
}

/** A typed view of `rows` rows of a flat buffer, from row `start`, each of `shape` (without m). */
export function rowsOf(flat: Float64Array, start: number, end: number, shape: readonly number[]): NDArray {
  const row = size(shape);
  return new NDArray(flat.subarray(start * row, end * row), [end - start, ...shape]);
}

/**
 * A copy of the network that computes shards (built from the model's JSON without its data). Its
 * passes run in shard mode (Mode.shard, with reused output buffers): a layer that clips its gradients
 * (traits.clipsGradients) does not clip per shard; the main thread clips the summed gradients once.
 */
export class Replica {
  readonly model: EpyNN;
  private readonly layers: Layer[];
  /** Builds another copy of the network (the replicas of staged shards); undefined: none. */
  private readonly build: (() => EpyNN) | undefined;
  /** Staged steps: one replica per shard, its parameter arrays this replica's (so loaded or shared once). */
  private readonly shards = new Map<number, Replica>();
  /** Staged steps: the step this replica last ran a stage of, and the stages it ran of it (for its shard). */
  private step = -1;
  private readonly ran = new Set<string>();

  constructor(model: EpyNN, build?: () => EpyNN) {
    this.model = model;
    this.layers = model.layers;
    this.build = build;
  }

  /**
   * The replica of shard s in staged steps (built on first use, parameters shared with this one): a
   * thread keeps each shard's layer caches from stage to stage there, and a shard's backward stage
   * recomputes the forward only where another thread ran its earlier stages.
   */
  forShard(s: number): Replica {
    let r = this.shards.get(s);
    if (r === undefined) {
      if (this.build === undefined) throw new EpyNNError('parallel: this replica can not build the replicas of shards');
      r = new Replica(this.build());
      r.shareFrom(this);
      this.shards.set(s, r);
    }
    return r;
  }

  /** Whether this thread holds shard s's caches of step `step` (it ran a stage of it): it claims it first. */
  holds(s: number, step: number): boolean {
    return this.shards.get(s)?.step === step;
  }

  /** Uses `other`'s parameter arrays. */
  private shareFrom(other: Replica): void {
    this.layers.forEach((layer, i) => {
      for (const key of Object.keys(layer.p)) layer.p[key] = other.layers[i].p[key];
    });
  }

  /** Puts the parameters of the flat buffer (layout `slots`) into the replica's own arrays. */
  loadParameters(slots: readonly Slot[], flat: Float64Array): void {
    for (const s of slots) {
      const P = this.layers[s.layer]?.p[s.key];
      if (P === undefined || P.data.length !== s.size) {
        throw new EpyNNError(`parallel: the replica has no parameter ${s.key} of ${s.size} values in layer ${s.layer}`);
      }
      P.data.set(flat.subarray(s.offset, s.offset + s.size));
    }
  }

  /** Makes the replica use `model`'s own parameter arrays (the main thread's replica: no copy). */
  shareParameters(model: EpyNN, slots: readonly Slot[]): void {
    for (const s of slots) this.layers[s.layer].p[s.key] = model.layers[s.layer].p[s.key];
    for (const r of this.shards.values()) r.shareFrom(this);
  }

  /** Forward through every layer after the Embedding. */
  private forward(X: NDArray): NDArray {
    let A = X;
    for (let i = 1; i < this.layers.length; i++) {
      const layer = this.layers[i];
      A = checkLayerOutput(layer, 'forward', layer.forward(A));
    }
    return A;
  }

  /**
   * One training shard: forward (Dropout masks from `uniforms`: per mask slot, this shard's values),
   * the loss gradient, backward (no dX for the first layer) and each layer's gradients, written to
   * `grads` in the layout of `slots`; the output rows go to `out`.
   */
  trainShard(X: NDArray, Y: NDArray, uniforms: Map<number, Float64Array>, out: Float64Array, slots: readonly Slot[], grads: Float64Array): void {
    const model = this.model;
    // A training step of one shard: no dL/dX for the network's input, outputs reused from shard to shard
    setMode(this.layers, 'training', { reuseOutputs: true, inputGradient: false, shard: true });
    for (const [i, u] of uniforms) this.layers[i].presetUniforms = u;
    try {
      const A = this.forward(X);
      if (A.data.length !== out.length) throw new EpyNNError(`parallel: the shard's output has ${A.data.length} values, ${out.length} expected`);
      out.set(A.data);
      // Derivative of the loss for this shard's samples (every loss works sample by sample)
      let dX = model.trainingLoss(Y, A, true);
      for (let i = this.layers.length - 1; i >= 1; i--) {
        const layer = this.layers[i];
        dX = checkLayerOutput(layer, 'backward', layer.backward(dX));
        layer.computeGradients();
      }
    } finally {
      for (const i of uniforms.keys()) this.layers[i].presetUniforms = undefined;
    }
    this.writeGradients(slots, grads, 1, this.layers.length - 1);
  }

  /** The layer's reduction of its batch statistics (BatchReduction). */
  private reduction(index: number): BatchReduction {
    const red = this.layers[index].batchReduction?.();
    if (red === undefined) throw new EpyNNError(`parallel: layer ${index} (${this.layers[index].name}) has no batchReduction()`);
    return red;
  }

  /**
   * Shard `shard` (rows start…end) of one stage of a training step with batch statistics (see Stage):
   * the whole batch's statistics and sums known so far handed to the layers, the stage's layers run,
   * its rows of Z and D and its partial sums in B written, the gradients of the layers it finished
   * written to `grads` (layout of `slots`).
   */
  trainStage(stage: Stage, norms: readonly NormSlot[], step: number, shard: number, start: number, end: number, data: StageData): void {
    const layers = this.layers;
    if (this.step !== step) {
      this.step = step;
      this.ran.clear();
    }
    const name = stage.kind === 'last' ? 'last' : `${stage.kind} ${stage.k}`;
    // Backward k needs the caches of the forward from norm k−1's input to norm k: this replica has them
    // when it ran forward k and the stage that ran norm k (forward k+1, or last) of this step
    // (not when this stage runs again here — a stalled generation computed again —: a backward may have used its caches)
    const cached = stage.kind === 'backward' && !this.ran.has(name) && this.ran.has(`forward ${stage.k}`) && this.ran.has(stage.k === norms.length - 1 ? 'last' : `forward ${stage.k + 1}`);
    this.ran.add(name);
    const K = norms.length;
    const rows = end - start;
    const view = (buf: Float64Array, offset: number, nm: NormSlot): NDArray => {
      const row = size(nm.shape);
      return new NDArray(buf.subarray(offset + start * row, offset + end * row), [rows, ...nm.shape]);
    };
    const partial = (nm: NormSlot, p: number): Float64Array => {
      const o = nm.b + 4 * nm.n + 2 * nm.n * shard + p * nm.n;
      return data.B.subarray(o, o + nm.n);
    };
    const reduced = (nm: NormSlot, slot: number): Float64Array => data.B.subarray(nm.b + slot * nm.n, nm.b + (slot + 1) * nm.n);
    // What the whole batch's statistics are known for at this stage: norms before k (forward, variance), all after
    const known = stage.kind === 'forward' || stage.kind === 'variance' ? stage.k : K;
    const reductions = norms.map((nm) => this.reduction(nm.layer));
    setMode(layers, 'training', { reuseOutputs: true, inputGradient: false, shard: true });
    for (const [i, u] of data.uniforms) layers[i].presetUniforms = u;
    try {
      norms.forEach((nm, j) => {
        reductions[j].presetStatistics(j < known ? { mean: reduced(nm, 0), variance: reduced(nm, 1), rows: nm.rows } : undefined);
        reductions[j].presetGradientSums(stage.kind === 'backward' && j === stage.k ? { s1: reduced(nm, 2), s2: reduced(nm, 3), rows: nm.rows } : undefined);
      });
      const forward = (A: NDArray, from: number, to: number): NDArray => {
        for (let i = from; i <= to; i++) A = checkLayerOutput(layers[i], 'forward', layers[i].forward(A));
        return A;
      };
      /** Backward and gradients of layers from…down to, the gradients written out. */
      const backward = (dX: NDArray, from: number, down: number): NDArray => {
        for (let i = from; i >= down; i--) {
          dX = checkLayerOutput(layers[i], 'backward', layers[i].backward(dX));
          layers[i].computeGradients();
        }
        this.writeGradients(data.slots, data.grads, down, from);
        return dX;
      };
      /** Keeps dA (the gradient of norm k's output) in D and writes the shard's sums for norm k. */
      const keepGradient = (k: number, dA: NDArray): void => {
        const nm = norms[k];
        const D = view(data.D, nm.d, nm);
        if (dA.data.length !== D.data.length) throw new EpyNNError(`parallel: the gradient of ${layers[nm.layer].name}'s output has ${dA.data.length} values, ${D.data.length} expected`);
        D.data.set(dA.data);
        reductions[k].gradientSums(D, partial(nm, 0), partial(nm, 1));
      };
      if (stage.kind === 'forward') {
        const nm = norms[stage.k];
        const from = stage.k === 0 ? 1 : norms[stage.k - 1].layer;
        const input = stage.k === 0 ? data.X : view(data.Z, norms[stage.k - 1].z, norms[stage.k - 1]);
        const A = forward(input, from, nm.layer - 1);
        const Z = view(data.Z, nm.z, nm);
        if (A.data.length !== Z.data.length) throw new EpyNNError(`parallel: the input of ${layers[nm.layer].name} has ${A.data.length} values, ${Z.data.length} expected`);
        Z.data.set(A.data);
        reductions[stage.k].inputSums(Z, undefined, partial(nm, 0));
      } else if (stage.kind === 'variance') {
        const nm = norms[stage.k];
        reductions[stage.k].inputSums(view(data.Z, nm.z, nm), reduced(nm, 0), partial(nm, 1));
      } else if (stage.kind === 'last') {
        const nm = norms[K - 1];
        const A = forward(view(data.Z, nm.z, nm), nm.layer, layers.length - 1);
        if (A.data.length !== data.out.length) throw new EpyNNError(`parallel: the shard's output has ${A.data.length} values, ${data.out.length} expected`);
        data.out.set(A.data);
        const dA = backward(this.model.trainingLoss(data.Y, A, true), layers.length - 1, nm.layer + 1);
        keepGradient(K - 1, dA);
      } else {
        const k = stage.k;
        const nm = norms[k];
        const from = k === 0 ? 1 : norms[k - 1].layer;
        // the caches of that forward: kept here, or computed again (the same bits) where another thread ran it
        stageStats.backward++;
        if (!cached || stageStats.recompute) {
          stageStats.recomputed++;
          forward(k === 0 ? data.X : view(data.Z, norms[k - 1].z, norms[k - 1]), from, nm.layer);
        }
        const dA = backward(view(data.D, nm.d, nm), nm.layer, k === 0 ? 1 : from + 1);
        if (k > 0) keepGradient(k - 1, dA);
      }
    } finally {
      for (const i of data.uniforms.keys()) layers[i].presetUniforms = undefined;
      for (const red of reductions) {
        red.presetStatistics(undefined);
        red.presetGradientSums(undefined);
      }
    }
  }

  /** Writes the gradients of the layers first…last into `grads` (layout of `slots`). */
  private writeGradients(slots: readonly Slot[], grads: Float64Array, first: number, last: number): void {
    for (const s of slots) {
      if (s.layer < first || s.layer > last || !s.gradient) continue;
      const g = this.layers[s.layer].g[`d${s.key}`];
      if (g === undefined || g.data.length !== s.size) {
        throw new EpyNNError(`parallel: layer ${s.layer} (${this.layers[s.layer].name}) gave no gradient d${s.key} of ${s.size} values`);
      }
      grads.set(g.data, s.offset);
    }
  }

  /**
   * The shape of one sample at every layer's input (index = layer; the Embedding's is the network's
   * input) and at the network's output, from a forward pass of one zero sample.
   */
  sampleShapes(input: readonly number[]): { inputs: number[][]; output: number[] } {
    setMode(this.layers, 'prediction', { reuseOutputs: true, shard: true });
    const inputs: number[][] = [[...input]];
    let A = new NDArray(new Float64Array(size(input)), [1, ...input]);
    for (let i = 1; i < this.layers.length; i++) {
      inputs.push(A.shape.slice(1));
      A = checkLayerOutput(this.layers[i], 'forward', this.layers[i].forward(A));
    }
    return { inputs, output: A.shape.slice(1) };
  }

  /** One chunk of a forward pass outside training; the output rows go to `out`. */
  forwardChunk(X: NDArray, out: Float64Array, phase: 'evaluation' | 'prediction' = 'prediction'): void {
    setMode(this.layers, phase, { reuseOutputs: true, shard: true }); // no backward follows
    const A = this.forward(X);
    if (A.data.length !== out.length) throw new EpyNNError(`parallel: the chunk's output has ${A.data.length} values, ${out.length} expected`);
    out.set(A.data);
  }
}
