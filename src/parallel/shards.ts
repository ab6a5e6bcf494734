// Data parallelism, the part every thread runs: how a batch is cut into shards, and a replica of the
// network that computes one shard (forward, loss gradient, backward, gradients) or one chunk of a
// forward pass. The main thread and every worker compute a shard with the same code on the same
// numbers, so a shard's gradients have the same bits wherever it ran; the main thread sums the shards
// in their order. Hence the same parameters after training for 1, 2 or 8 threads.
import { EpyNNError } from '../errors.js';
import { type Layer, checkLayerOutput } from '../commons/models.js';
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
}

/** Every parameter array of the layers after the Embedding, one after the other. */
export function parameterSlots(model: EpyNN): { slots: Slot[]; total: number } {
  const slots: Slot[] = [];
  let total = 0;
  model.layers.forEach((layer, i) => {
    if (i === 0) return;
    for (const [key, P] of Object.entries(layer.p)) {
      slots.push({ layer: i, key, offset: total, size: P.data.length });
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

  constructor(model: EpyNN) {
    this.model = model;
    this.layers = model.layers;
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
    for (const s of slots) {
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
