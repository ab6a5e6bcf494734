// Element-wise closeness with llm.c-style reports of the first mismatches.
import { expect } from 'vitest';
import { type NDArray, fmt } from '../../src/commons/ndarray.js';

function unravel(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    idx.unshift(i % shape[k]);
    i = Math.floor(i / shape[k]);
  }
  return idx.join(', ');
}

/**
 * Asserts |actual − expected| <= atol + rtol·|expected| element-wise (NaN only matches NaN),
 * with equal shapes. Defaults: the layer-parity tolerances rtol 1e-9, atol 1e-12.
 */
export function expectClose(
  actual: NDArray,
  expected: NDArray,
  label: string,
  { atol = 1e-12, rtol = 1e-9 }: { atol?: number; rtol?: number } = {},
): void {
  expect(actual.shape, `${label}: shape ${fmt(actual.shape)} != expected ${fmt(expected.shape)}`).toEqual(expected.shape);
  const bad: string[] = [];
  let nbad = 0;
  let maxDiff = 0;
  for (let i = 0; i < actual.data.length; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue; // also equal infinities
    const diff = Math.abs(a - e);
    if (diff > maxDiff || Number.isNaN(diff)) maxDiff = diff;
    if (!(diff <= atol + rtol * Math.abs(e))) {
      nbad++;
      if (bad.length < 5) bad.push(`  [${unravel(i, actual.shape)}] ${a} vs ${e}`);
    }
  }
  if (nbad > 0) expect.fail(`${label}: ${nbad} of ${actual.data.length} NOT OK, maxdiff ${maxDiff.toExponential(2)}\n${bad.join('\n')}`);
}

/** Scalar version of expectClose. */
export function expectCloseNum(actual: number, expected: number, label: string, { atol = 1e-12, rtol = 1e-9 } = {}): void {
  if (Number.isNaN(expected) && Number.isNaN(actual)) return;
  if (actual === expected) return;
  const diff = Math.abs(actual - expected);
  if (!(diff <= atol + rtol * Math.abs(expected))) expect.fail(`${label}: ${actual} vs ${expected} (diff ${diff.toExponential(2)})`);
}
