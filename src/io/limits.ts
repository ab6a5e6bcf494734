// Limits checked before a model read from a file allocates anything: a file may announce any size,
// and what it announces is only allocated once it is known to fit the limits.
import { fmt, size } from '../commons/ndarray.js';
import { ModelFileError } from '../errors.js';
import { checkInteger } from '../commons/checks.js';
import type { Layer } from '../commons/models.js';

/**
 * Default `maxParameters` of readModel, modelFromJSON, readTFJS and fromTFJS: 2²⁶ = 67,108,864
 * values (512 MiB in float64), counted over every layer's parameters plus one sample's arrays.
 */
export const MAX_PARAMETERS = 2 ** 26;

/** Most values one input sample of a model read from a file may hold (2²⁴). */
export const MAX_SAMPLE_VALUES = 2 ** 24;

/** The limits of a model read from a file or a model JSON. */
export interface ReadLimits {
  /**
   * Largest number of values the model may hold, counted over every layer's parameters and one
   * sample's forward arrays, checked from the shapes before any buffer is made. @default 2**26
   */
  maxParameters?: number;
}

/** The checked `maxParameters` (a positive integer). */
export function maxParametersOf(limits: ReadLimits | undefined, where: string): number {
  const v = limits?.maxParameters ?? MAX_PARAMETERS;
  return checkInteger(where, 'maxParameters', v, 1);
}

/**
 * A running count of the values a model being read will hold: after each layer's computeShapes (and
 * before its initializeParameters) adds the layer's forward shapes, and refuses once the total
 * exceeds `max`, naming the layer and its largest array.
 */
export function valueBudget(max: number, where: string): (layer: Layer, w: string) => void {
  let total = 0;
  return (layer, w) => {
    let largest = '';
    let largestSize = -1;
    for (const [k, shape] of Object.entries(layer.fs)) {
      const n = size(shape);
      total += n;
      if (n > largestSize) {
        largestSize = n;
        largest = `${k} ${fmt(shape)}`;
      }
    }
    if (!(total <= max)) {
      throw new ModelFileError(`${w}: the model would hold ${total.toExponential(3)} values (parameters and one sample's arrays) by this layer (largest: ${largest}), more than maxParameters = ${max} (${where}; pass a larger maxParameters to read it)`);
    }
  };
}
