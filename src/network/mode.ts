// The one place where a model's passes set the layers' mode (commons/models.ts Mode) and put it back.
import { BARE_MODE, type Layer, type Mode, type Phase } from '../commons/models.js';
import type { EpyNN } from './models.js';

/** How a pass runs besides its phase. */
export interface PassOptions {
  /** Every output is consumed within the pass (train() batches, evaluation chunks copied out). @default false */
  reuseOutputs?: boolean;
  /** A backward pass follows (training steps, the check pass). @default phase === 'training' */
  backward?: boolean;
  /** The gradient with respect to the network's input is needed (false in train(): the layer after the Embedding skips dX). @default true */
  inputGradient?: boolean;
  /** A shard of a batch (src/parallel). @default false */
  shard?: boolean;
}

/** The mode of layer `index` (0: the Embedding) in a pass of `phase`. */
export function modeOf(phase: Phase, index: number, options: PassOptions = {}): Mode {
  const { reuseOutputs = false, backward = phase === 'training', inputGradient = true, shard = false } = options;
  return Object.freeze({ phase, reuseOutputs, forwardOnly: !backward, skipDX: backward && !inputGradient && index === 1, shard });
}

/** Sets the mode of every layer of `layers` for a pass of `phase`. */
export function setMode(layers: readonly Layer[], phase: Phase, options: PassOptions = {}): void {
  layers.forEach((layer, i) => (layer.mode = modeOf(phase, i, options)));
}

/** Puts every layer back to BARE_MODE (a layer called on its own). */
export function clearMode(layers: readonly Layer[]): void {
  for (const layer of layers) layer.mode = BARE_MODE;
}

/** Runs `f` with every layer of the model in a pass of `phase`, then puts the layers' modes back as they were. */
export function withMode<T>(model: EpyNN, phase: Phase, options: PassOptions, f: () => T): T {
  const before = model.layers.map((layer) => layer.mode);
  setMode(model.layers, phase, options);
  try {
    return f();
  } finally {
    model.layers.forEach((layer, i) => (layer.mode = before[i]));
  }
}
