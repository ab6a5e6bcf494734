// Steps one training batch through the network with the library's own layer objects, one call at a time,
// in the order of EpyNN's training loop (src/network/training.ts, forward.ts, backward.ts):
//
//   for each layer:            A = layer.forward(A)                  (forward.ts: modelForward)
//   the loss:                  dA = model.trainingLoss(Y, A, true)   (training.ts)
//   for each layer, reversed:  dX = layer.backward(dX)               (backward.ts: modelBackward)
//                              layer.computeGradients()
//                              layer.updateParameters()
//
// Nothing is recomputed here: after each step the values to show are the layer's own caches (fc, bc, g,
// p). Two differences from train(), both without effect on the numbers: the layers keep fresh output
// arrays (reuseOutputs off, so each step's caches stay readable), and the layer after the Embedding
// computes dX too (train() skips it, nothing uses it) so the page can show it.
import { type DataSet, type EpyNN, type Layer, NDArray } from '../../src/index.js';

export type Phase = 'forward' | 'loss' | 'backward' | 'gradients' | 'update';

/** One call of the training loop: a phase and the index of its layer in model.layers (-1 for the loss). */
export interface Step {
  phase: Phase;
  layer: number;
}

/** The calls of one batch, in EpyNN's order. The Embedding (layer 0) only runs forward. */
export function batchSteps(layers: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < layers; i++) steps.push({ phase: 'forward', layer: i });
  steps.push({ phase: 'loss', layer: -1 });
  for (let i = layers - 1; i >= 1; i--) {
    steps.push({ phase: 'backward', layer: i }, { phase: 'gradients', layer: i }, { phase: 'update', layer: i });
  }
  return steps;
}

/** Walks the batches of an initialized model with data, one step at a time. */
export class Stepper {
  readonly model: EpyNN;
  readonly steps: Step[];
  /** This epoch's batches (a fresh shuffle from the Embedding when they run out) and the current one. */
  batches: DataSet[] = [];
  batchIndex = -1;
  /** Index in `steps` of the next call; steps.length when the batch is done. */
  next = 0;
  /** The signal between steps: the output of the last forward, then dL/dA, then the last dX. */
  signal: NDArray | undefined;
  /** The network's output A and the per-sample loss of this batch (after the loss step). */
  output: NDArray | undefined;
  loss: NDArray | undefined;
  /** Batches fully stepped. */
  batchesDone = 0;
  /**
   * Per layer index, copies of its parameters as this batch's forward and backward used them (taken at
   * its forward step; the update step changes layer.p afterwards).
   */
  used = new Map<number, Record<string, NDArray>>();

  constructor(model: EpyNN) {
    if (!model.initialized) throw new Error('Stepper: the model is not initialized');
    this.model = model;
    this.steps = batchSteps(model.layers.length);
  }

  get batch(): DataSet | undefined {
    return this.batches[this.batchIndex];
  }

  /** The step that runs next (undefined between batches). */
  get pending(): Step | undefined {
    return this.batchIndex < 0 || this.next >= this.steps.length ? undefined : this.steps[this.next];
  }

  /** The step that ran last in this batch. */
  get last(): Step | undefined {
    return this.batchIndex < 0 || this.next === 0 ? undefined : this.steps[this.next - 1];
  }

  layer(i: number): Layer {
    return this.model.layers[i];
  }

  /** Starts the next batch (the next of this epoch, else the first of a new shuffle). */
  beginBatch(): DataSet {
    if (this.batchIndex < 0 || this.batchIndex + 1 >= this.batches.length) {
      this.batches = this.model.embedding.trainingBatches();
      this.batchIndex = 0;
    } else this.batchIndex++;
    this.next = 0;
    this.signal = undefined;
    this.output = undefined;
    this.loss = undefined;
    this.used.clear();
    for (const l of this.model.layers) l.reuseOutputs = false;
    return this.batch!;
  }

  /** Runs the pending step (starting a batch first if none is under way); returns it. */
  step(): Step {
    if (this.pending === undefined) this.beginBatch();
    const s = this.steps[this.next];
    const m = this.model;
    m.setTraining(true); // Dropout active, as in train()
    try {
      if (s.phase === 'forward') {
        const layer = m.layers[s.layer];
        this.used.set(s.layer, Object.fromEntries(Object.entries(layer.p).map(([k, v]) => [k, new NDArray(v.data.slice(), v.shape)])));
        layer.e = m.e; // For learning rate schedule
        this.signal = layer.forward(s.layer === 0 ? this.batch!.X : this.signal!);
        if (s.layer === m.layers.length - 1) this.output = this.signal;
      } else if (s.phase === 'loss') {
        this.loss = m.trainingLoss(this.batch!.Y!, this.output!);
        this.signal = m.trainingLoss(this.batch!.Y!, this.output!, true); // dL/dA
      } else if (s.phase === 'backward') {
        this.signal = m.layers[s.layer].backward(this.signal!);
      } else if (s.phase === 'gradients') {
        m.layers[s.layer].computeGradients();
      } else {
        m.layers[s.layer].updateParameters();
      }
    } finally {
      m.setTraining(false);
    }
    this.next++;
    if (this.next === this.steps.length) this.batchesDone++;
    return s;
  }

  /** Runs steps until one of `phase` has run (or the batch ends); returns the steps run. */
  stepTo(phase: Phase): Step[] {
    const ran: Step[] = [];
    if (this.pending === undefined) this.beginBatch();
    while (this.pending !== undefined) {
      const s = this.step();
      ran.push(s);
      if (s.phase === phase) break;
    }
    return ran;
  }

  /** Runs the rest of the batch (a whole batch when none is under way). */
  finishBatch(): Step[] {
    const ran: Step[] = [];
    if (this.pending === undefined) this.beginBatch();
    while (this.pending !== undefined) ran.push(this.step());
    return ran;
  }
}
