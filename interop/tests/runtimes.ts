// The runtimes, loaded through require: their CommonJS Node bundles are self-contained (the ESM
// builds import extensionless paths Node cannot resolve).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type TF = typeof import('@tensorflow/tfjs-core');
export type TFL = typeof import('@tensorflow/tfjs-layers');
export type ORT = typeof import('onnxruntime-node');

const silence = console.log;
console.log = (...args: unknown[]) => {
  // tfjs-core prints a banner recommending tfjs-node when it starts in Node
  if (typeof args[0] === 'string' && args[0].includes('tfjs-node')) return;
  silence(...args);
};
export const tf: TF = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
export const tfl: TFL = require('@tensorflow/tfjs-layers');
console.log = silence;
export const ort: ORT = require('onnxruntime-node');

/** Float32 copy of float64 data. */
export const f32 = (a: ArrayLike<number>): Float32Array => Float32Array.from(a);

/**
 * |a − e| <= atol + rtol·|e| element-wise (rtol 1e-4 and atol 1e-6 by default: float32 runtimes
 * against float64 epynn-ts); returns a report of the first mismatches, '' when all agree.
 */
export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, { rtol = 1e-4, atol = 1e-6 } = {}): string {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  const bad: string[] = [];
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= atol + rtol * Math.abs(expected[i]))) {
      n++;
      if (bad.length < 5) bad.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
    }
  }
  return n === 0 ? '' : `${n} of ${actual.length} differ: ${bad.join(', ')}`;
}
