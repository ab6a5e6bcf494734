// The recurrent layers' kernels on the TypeScript backend (the registry's 'stepActivation', 'derivative',
// 'rowSum'); the WebAssembly ones (src/kernels/wasm/recurrent.ts) compute the same bits.
import type { StepKind } from '../wasm/recurrent.js';
import { exp, tanh } from '../../fdlibm.js';

/**
 * For m rows of u entries, rows `ld` apart from `off`: Z[r] += b (b non-null), then A[r] = f(Z[r]) with f
 * the tanh or the stable sigmoid of src/activation/functions.ts (the same expressions).
 */
export function stepActivationJs(
  kind: StepKind, Z: Float64Array, b: Float64Array | null, A: Float64Array, off: number, ld: number, m: number, u: number,
): void {
  if (b !== null) for (let im = 0, o = off; im < m; im++, o += ld) for (let iu = 0; iu < u; iu++) Z[o + iu] += b[iu];
  if (kind === 'tanh') tanhRows(Z, A, off, ld, m, u);
  else sigmoidRows(Z, A, off, ld, m, u);
}

// One loop per function (the compiler inlines tanh and exp, src/fdlibm.ts, within a budget per compiled function)
function tanhRows(Z: Float64Array, A: Float64Array, off: number, ld: number, m: number, u: number): void {
  for (let im = 0, o = off; im < m; im++, o += ld) for (let iu = 0; iu < u; iu++) A[o + iu] = tanh(Z[o + iu]);
}

function sigmoidRows(Z: Float64Array, A: Float64Array, off: number, ld: number, m: number, u: number): void {
  for (let im = 0, o = off; im < m; im++, o += ld) {
    for (let iu = 0; iu < u; iu++) {
      const v = Z[o + iu];
      // Stable sigmoid, the expression of activation/functions.ts
      const e = exp(v >= 0 ? -v : v);
      A[o + iu] = v >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
  }
}

/** d = fn'(·) from the activation's values A: tanh 1 − A², sigmoid A·(1 − A). */
export function derivativeJs(kind: StepKind, A: Float64Array, d: Float64Array): void {
  if (kind === 'tanh') for (let k = 0; k < A.length; k++) d[k] = 1 - A[k] * A[k];
  else for (let k = 0; k < A.length; k++) d[k] = A[k] * (1 - A[k]);
}

/** db (u) = Σ over the rows of G (rows, u), in order, from zero. */
export function rowSumJs(db: Float64Array, G: Float64Array, rows: number, u: number): void {
  db.fill(0);
  for (let r = 0, o = 0; r < rows; r++, o += u) for (let iu = 0; iu < u; iu++) db[iu] += G[o + iu];
}
