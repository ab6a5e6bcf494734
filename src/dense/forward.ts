// Dense forward pass (EpyNN dense/forward.py).
import { checkActivationOutput, checkParameters } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { gemmNN, gemmNNSmallN, smallN } from '../commons/gemm.js';
import { NDArray, fmt } from '../commons/ndarray.js';
import type { Dense } from './models.js';


/** Forward cache initialization. */
function initializeForward(layer: Dense, A: NDArray): NDArray {
  if (!(A instanceof NDArray) || A.ndim !== 2) {
    throw new ShapeError(`Dense: forward input A must be a 2-D array (m, n), got ${A instanceof NDArray ? `shape ${fmt(A.shape)}` : typeof A}`);
  }
  // W (n, u) and b (1, u) set, with the shapes computeShapes gave them
  // (fs.W unset: parameters set by hand without computeShapes, checked against this A)
  const fs = { W: layer.fs.W ?? [A.shape[1], layer.d.u], b: layer.fs.b ?? [1, layer.d.u] };
  checkParameters({ name: 'Dense', p: layer.p, fs }, 'forward', ['W', 'b'], (k, got, want) =>
    `Dense: p.${k} has shape ${fmt(got)}, expected ${fmt(want)} = ${k === 'W' ? '(n, u)' : '(1, u)'}`);
  const W = layer.p.W;
  if (A.shape[1] !== W.shape[0]) {
    throw new ShapeError(`Dense: forward input A has shape ${fmt(A.shape)}, but W ${fmt(W.shape)} was built for n = ${W.shape[0]} features`);
  }
  const X = (layer.fc.X = A); // Kept by reference: never written to
  return X;
}

/**
 * Forward propagate signal to next layer.
 *
 *   (2) Z = X · W + b    (m, n) · (n, u) + (1, u) -> (m, u)
 *   (3) A = f(Z)         (m, u)
 */
export function denseForward(layer: Dense, A: NDArray): NDArray {
  // (1) Initialize cache
  const X = initializeForward(layer, A); // (m, n)
  const [m, n] = X.shape; // m from the batch itself
  const u = layer.d.u;
  const x = X.data;
  const w = layer.p.W.data;
  const b = layer.p.b.data;

  // (2) Linear activation X -> Z
  // Z (m, u) = X (m, n) · W (n, u) by the blocked GEMM, then + b on every row (bias after the
  // product, as NumPy does)
  const z = new Float64Array(m * u);
  // smallN(rows, narrow, reread): m rows of Z, u narrow columns of Z, W (n·u values) read again per pair of rows
  if (smallN(m, u, n * u)) gemmNNSmallN(m, u, n, x, w, z); // a small batch through few units: no packing
  else gemmNN(m, u, n, x, w, z);
  for (let im = 0, zr = 0; im < m; im++, zr += u) {
    for (let iu = 0; iu < u; iu++) z[zr + iu] += b[iu];
  }
  const Z = (layer.fc.Z = new NDArray(z, [m, u])); // (m, u) This is the weighted sum

  // (3) Non-linear activation Z -> A
  A = layer.fc.A = layer.activate(Z, false, layer.hPars); // (m, u)
  checkActivationOutput('Dense: forward', 'activate', Z, A, false); // a custom activation keeps the shape

  return A; // To next layer
}
