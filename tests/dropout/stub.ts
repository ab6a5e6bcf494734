// A stub random source for Dropout tests: uniform() cycles through fixed values, so a mask can be
// injected (values chosen on the right side of dropProb) and frozen across repeated forward calls.
import type { NDArray } from '../../src/commons/ndarray.js';
import type { Rng } from '../../src/commons/rng.js';

export function cyclingRng(values: ArrayLike<number>): Rng & { calls: number } {
  const rng = {
    calls: 0,
    uniform(): number {
      return values[rng.calls++ % values.length];
    },
    standardNormal(): number {
      throw new Error('stub: standardNormal not expected');
    },
    permutation(): number[] {
      throw new Error('stub: permutation not expected');
    },
    normal(): number {
      throw new Error('stub: normal not expected');
    },
    integers(): number {
      throw new Error('stub: integers not expected');
    },
    choice(): never {
      throw new Error('stub: choice not expected');
    },
    shuffle(): never {
      throw new Error('stub: shuffle not expected');
    },
    state(): never {
      throw new Error('stub: state not expected');
    },
  };
  return rng;
}

/** Uniforms that reproduce the 0/1 mask D under `u > p`: kept -> (1 + p) / 2, dropped -> p / 2. */
export function uniformsFor(D: NDArray, p: number): number[] {
  return Array.from(D.data, (v) => (v === 1 ? (1 + p) / 2 : p / 2));
}
