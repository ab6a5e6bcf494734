// Plain reference implementation of the pooling kernels (the llm.c "naive" twin of src/pooling).
// Written for clarity: index arithmetic through helper functions, one output element at a time.
import { NDArray, zeros } from '../../src/commons/ndarray.js';

export type PoolName = 'max' | 'min' | 'mean';

const at = (A: NDArray, i: number, j: number, k: number, l: number): number =>
  A.data[((i * A.shape[1] + j) * A.shape[2] + k) * A.shape[3] + l];
const idx = (A: NDArray, i: number, j: number, k: number, l: number): number => ((i * A.shape[1] + j) * A.shape[2] + k) * A.shape[3] + l;

/** Z[i, a, b, c] = pool of X[i, a·sh + r, b·sw + s, c] over r < ph, s < pw. */
export function naivePoolForward(X: NDArray, [ph, pw]: number[], [sh, sw]: number[], pool: PoolName): NDArray {
  const [m, h, w, d] = X.shape;
  const oh = Math.floor((h - ph) / sh) + 1;
  const ow = Math.floor((w - pw) / sw) + 1;
  const Z = zeros([m, oh, ow, d]);
  for (let i = 0; i < m; i++)
    for (let a = 0; a < oh; a++)
      for (let b = 0; b < ow; b++)
        for (let c = 0; c < d; c++) {
          const vals: number[] = [];
          for (let r = 0; r < ph; r++) for (let s = 0; s < pw; s++) vals.push(at(X, i, a * sh + r, b * sw + s, c));
          const v = pool === 'max' ? Math.max(...vals) : pool === 'min' ? Math.min(...vals) : vals.reduce((p, q) => p + q, 0) / vals.length;
          Z.data[idx(Z, i, a, b, c)] = v;
        }
  return Z;
}

/** EpyNN's backward: dA to every window position equal to the pooled value (max/min), dA/(ph·pw) for mean. */
export function naivePoolBackward(X: NDArray, dA: NDArray, [ph, pw]: number[], [sh, sw]: number[], pool: PoolName): NDArray {
  const Z = naivePoolForward(X, [ph, pw], [sh, sw], pool);
  const [m, oh, ow, d] = Z.shape;
  const dX = zeros(X.shape);
  for (let i = 0; i < m; i++)
    for (let a = 0; a < oh; a++)
      for (let b = 0; b < ow; b++)
        for (let c = 0; c < d; c++)
          for (let r = 0; r < ph; r++)
            for (let s = 0; s < pw; s++) {
              const g = at(dA, i, a, b, c);
              const xi = idx(X, i, a * sh + r, b * sw + s, c);
              if (pool === 'mean') dX.data[xi] += g / (ph * pw);
              else if (X.data[xi] === at(Z, i, a, b, c)) dX.data[xi] += g;
            }
  return dX;
}
