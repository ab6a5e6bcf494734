// Layer registry for model files: the type name stored in a file -> the class that rebuilds it.
import { show } from '../commons/checks.js';
import { EpyNNError } from '../errors.js';
import { type Layer, checkLayerClass } from '../commons/models.js';
import { BatchNormalization } from '../batchnorm/models.js';
import { Convolution } from '../convolution/models.js';
import { Dense } from '../dense/models.js';
import { Dropout } from '../dropout/models.js';
import { Embedding } from '../embedding/models.js';
import { Flatten } from '../flatten/models.js';
import { GRU } from '../gru/models.js';
import { LayerNormalization } from '../layernorm/models.js';
import { LSTM } from '../lstm/models.js';
import { Pooling } from '../pooling/models.js';
import { RNN } from '../rnn/models.js';

/** A layer class: `new C(options)` where options is the hydrated `toConfig()` (activations as functions). */
export type LayerClass = new (options: any) => Layer;

const layers = new Map<string, LayerClass>();

/**
 * Registers a layer class under its `layer.name`, so models containing it can be written and read.
 * Its `toConfig()` must return the constructor options as JSON (activation keys `activate*` and
 * `initialization` by registered name). Built-in layers are registered already.
 */
export function registerLayer(name: string, cls: LayerClass): void {
  if (typeof name !== 'string' || name === '') throw new EpyNNError(`registerLayer: name must be a non-empty string (the layer's name), got ${show(name)}`);
  checkLayerClass('registerLayer', cls, `the class for '${name}'`);
  const existing = layers.get(name);
  if (existing !== undefined && existing !== cls) throw new EpyNNError(`registerLayer: the name '${name}' is already taken by another class`);
  layers.set(name, cls);
}

/** The class registered under `name`, or undefined. */
export function getLayerClass(name: string): LayerClass | undefined {
  return layers.get(name);
}

/** Names of the registered layer types. */
export function layerTypes(): string[] {
  return [...layers.keys()];
}

/** The library's own layer classes, by name (registered already). */
export const BUILTIN_LAYERS: Readonly<Record<string, LayerClass>> = Object.freeze({ Embedding, Dense, Convolution, Pooling, Flatten, Dropout, RNN, LSTM, GRU, BatchNormalization, LayerNormalization } as Record<string, LayerClass>);

for (const [name, cls] of Object.entries(BUILTIN_LAYERS)) registerLayer(name, cls);
