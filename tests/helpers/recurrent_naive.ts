// Step-by-step helpers shared by the plain reference implementations of the recurrent layers
// (tests/rnn/naive.ts, tests/lstm/naive.ts, tests/gru/naive.ts): slicing one step of a (m, s, n)
// array the way EpyNN's NumPy code does with X[:, s].
import { NDArray, add, map, zeros } from '../../src/commons/ndarray.js';

/** x[:, is] of a (m, s, n) array, as a fresh (m, n) array. */
export function step(x: NDArray, is: number): NDArray {
  const [m, s, n] = x.shape;
  const out = zeros([m, n]);
  for (let im = 0; im < m; im++) for (let j = 0; j < n; j++) out.data[im * n + j] = x.data[(im * s + is) * n + j];
  return out;
}

/** x[:, is] = v for a (m, s, n) array and an (m, n) array. */
export function put(x: NDArray, is: number, v: NDArray): void {
  const [m, s, n] = x.shape;
  for (let im = 0; im < m; im++) for (let j = 0; j < n; j++) x.data[(im * s + is) * n + j] = v.data[im * n + j];
}

/** Row vector b (1, u) broadcast over m rows. */
export function addRow(a: NDArray, b: NDArray): NDArray {
  const u = b.shape[1];
  return map(a, (v, i) => v + b.data[i % u]);
}

export const plus = (...xs: NDArray[]): NDArray => xs.reduce((a, b) => add(a, b));
export const oneMinus = (x: NDArray): NDArray => map(x, (v) => 1 - v);

/** X (m, s, e) -> (m, s, u) zeros. */
export const hidden = (X: NDArray, u: number): NDArray => zeros([X.shape[0], X.shape[1], u]);

/** dA as a full sequence (m, s, u). */
export function fullDA(dA: NDArray, sequences: boolean, m: number, s: number, u: number): NDArray {
  if (sequences) return dA.copy();
  const full = zeros([m, s, u]);
  put(full, s - 1, dA);
  return full;
}

export interface NaiveResult {
  A: NDArray;
  dX: NDArray;
  fc: Record<string, NDArray>;
  bc: Record<string, NDArray>;
  g: Record<string, NDArray>;
}
