// Weight initializations (EpyNN commons/maths.py): (shape, rng) -> NDArray.
import { EpyNNError } from '../errors.js';
import { NDArray, type Shape, size } from '../commons/ndarray.js';
import type { Rng } from '../commons/rng.js';

/** A weight initializer. Its `name` is recorded in model files. */
export type Initializer = (shape: Shape, rng: Rng) => NDArray;

/** Xavier (EpyNN's rule): standard normal × sqrt(2 / sum of all dimensions). */
export function xavier(shape: Shape, rng: Rng): NDArray {
  const n = size(shape);
  const W = new Float64Array(n);
  const f = Math.sqrt(2 / shape.reduce((a, b) => a + b, 0));
  for (let i = 0; i < n; i++) W[i] = rng.standardNormal() * f;
  return new NDArray(W, shape);
}

/**
 * Orthogonal: QR of a standard normal (r, c) matrix (transposed first when r < c), with
 * Q's columns multiplied by sign(diag(R)) so the result does not depend on the QR routine.
 */
export function orthogonal(shape: Shape, rng: Rng): NDArray {
  if (shape.length !== 2) throw new EpyNNError(`orthogonal: expected a 2-D shape, got [${shape.join(', ')}]`);
  const [r0, c0] = shape;
  const G = new Float64Array(r0 * c0);
  for (let i = 0; i < G.length; i++) G[i] = rng.standardNormal();
  const T = r0 < c0; // work on the tall matrix W (rows >= cols)
  const rows = T ? c0 : r0;
  const cols = T ? r0 : c0;
  // Column j of the tall matrix, as a dense vector
  const Q: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    const v = new Float64Array(rows);
    for (let i = 0; i < rows; i++) v[i] = T ? G[j * c0 + i] : G[i * c0 + j];
    Q.push(v);
  }
  // Modified Gram-Schmidt, twice for orthogonality to machine precision. R's diagonal is
  // positive by construction, which is the sign fix (q *= sign(diag(r))) of EpyNN.
  for (let j = 0; j < cols; j++) {
    const v = Q[j];
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const q = Q[k];
        let d = 0;
        for (let i = 0; i < rows; i++) d += q[i] * v[i];
        for (let i = 0; i < rows; i++) v[i] -= d * q[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm === 0) throw new EpyNNError('orthogonal: degenerate random matrix (zero column)');
    for (let i = 0; i < rows; i++) v[i] /= norm;
  }
  const W = new Float64Array(r0 * c0);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) {
    if (T) W[j * c0 + i] = Q[j][i]; // Qᵀ: (cols, rows) = (r0, c0)
    else W[i * c0 + j] = Q[j][i];
  }
  return new NDArray(W, shape);
}

/** The library's own initializers, by name (registered already). */
export const BUILTIN_INITIALIZERS: Readonly<Record<string, Initializer>> = Object.freeze({ xavier, orthogonal });

const registry = new Map<string, Initializer>(Object.entries(BUILTIN_INITIALIZERS));

/** Registers a custom initializer by name (needed to write and read models using it). */
export function registerInitializer(name: string, fn: Initializer): void {
  const existing = registry.get(name);
  if (existing !== undefined && existing !== fn) throw new EpyNNError(`registerInitializer: the name '${name}' is already taken`);
  registry.set(name, fn);
}

/** The initializer registered under `name`. */
export function getInitializer(name: string): Initializer {
  const fn = registry.get(name);
  if (fn === undefined) throw new EpyNNError(`initialization '${name}' is not registered; known: ${[...registry.keys()].join(', ')} (use registerInitializer)`);
  return fn;
}

/** The registered name of an initializer, or its function name. */
export function initializerName(fn: Initializer): string {
  for (const [k, v] of registry) if (v === fn) return k;
  return fn.name || 'anonymous';
}
