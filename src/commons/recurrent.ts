// Machinery shared by the recurrent layers RNN, LSTM and GRU: step kernels over (m, s, u) caches,
// the fused sums over steps, and the shape/state checks. EpyNN writes these lines out in each of
// rnn/, lstm/ and gru/; here they live once, so the three layer folders import only from commons.
// The activation of one step and the derivatives over a whole cache are in activation/steps.ts
// (they know the built-in activations; commons does not import activation).
import { checkParameters, stateError } from './checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
import { type StepKernels, recurrentGemmKernel, rowSumKernel } from '../kernels/recurrent.js';
import type { Layer } from './models.js';
import { type NDArray, fmt, sameShape, zeros } from './ndarray.js';

// ---------------------------------------------------------------------------------------------
// Named access to a layer's dictionaries

/**
 * The data of `dict[k]` for every key in `keys`, as an object keyed by name, for destructuring by
 * name: `const { Uf, Vf, bf } = dataOf(layer.p, LSTM_PARAMETERS)`. Unlike a positional
 * destructuring, the order of the names cannot swap arrays; a key that the layer lacks throws.
 */
export function dataOf<K extends string>(layer: Layer, dict: Record<string, NDArray>, keys: readonly K[]): Record<K, Float64Array> {
  const out = {} as Record<K, Float64Array>;
  for (const k of keys) {
    const v = dict[k];
    if (v === undefined) throw new EpyNNError(`${layer.name}: array ${k} is not set (expected one of ${keys.join(', ')})`);
    out[k] = v.data;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Forward

/**
 * gemmStrided (same contract), on the WebAssembly backend by the recurrent layers' unpacked kernels where
 * they apply (src/kernels/recurrent.ts): the same bits either way.
 */
export function recurrentGemm(
  M: number, N: number, K: number,
  a: Float64Array, aOff: number, aRs: number, aCs: number,
  b: Float64Array, bOff: number, bRs: number, bCs: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  recurrentGemmKernel(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
}

/** P (m·s, u) = X (m·s, e) · U (e, u): the input products of every step at once (overwrites P). */
export function inputProduct(P: Float64Array, X: Float64Array, U: Float64Array, ms: number, e: number, u: number): void {
  recurrentGemm(ms, u, e, X, 0, e, 1, U, 0, u, 1, P, 0, u, false);
}

/**
 * dX (m·s, e) [+]= G (m·s, u) · Uᵀ with U (e, u): the gradient sent to the previous layer through one
 * gate's input product, every step at once.
 */
export function inputGradient(dX: Float64Array, G: Float64Array, U: Float64Array, ms: number, e: number, u: number, accumulate: boolean): void {
  recurrentGemm(ms, e, u, G, 0, u, 1, U, 0, 1, u, dX, 0, e, accumulate);
}

/**
 * P[:, is] += H[:, is] · V for (m, s, u) arrays P and H and V (u, u): the recurrent product of one
 * step, read and written in place (rows at stride s·u). Added after X · U, as NumPy's (X·U + hp·V).
 */
export function addHiddenProduct(P: Float64Array, H: Float64Array, V: Float64Array, is: number, m: number, s: number, u: number): void {
  if (is === 0) return; // hp = 0 at the first step
  stepProduct(m, u, H, is * u, s * u, V, false, P, is * u, s * u, true);
}

/**
 * C[i, :] [+]= A[i, :] · V (or · Vᵀ when `transpose`) for i < m, V (u, u): A[i, k] = a[aOff + i·aRs + k],
 * C[i, j] = c[cOff + i·ldc + j]. The product of one step, on the step kernel of the WebAssembly backend
 * where it applies (src/kernels/recurrent.ts), else gemmStrided: the same bits either way.
 */
export function stepProduct(
  m: number, u: number, a: Float64Array, aOff: number, aRs: number, V: Float64Array, transpose: boolean,
  c: Float64Array, cOff: number, ldc: number, accumulate: boolean,
): void {
  if (transpose) recurrentGemm(m, u, u, a, aOff, aRs, 1, V, 0, 1, u, c, cOff, ldc, accumulate);
  else recurrentGemm(m, u, u, a, aOff, aRs, 1, V, 0, u, 1, c, cOff, ldc, accumulate);
}

/**
 * prev[:, is] = cur[:, is - 1] for (m, s, u) caches; left at zero for is = 0. `k`: the pass's
 * WebAssembly step kernels (stepKernels), null for the loop here.
 */
export function copyPreviousStep(
  prev: Float64Array, cur: Float64Array, is: number, m: number, s: number, u: number, k: StepKernels | null = null,
): void {
  if (is === 0) return;
  if (k !== null) {
    k.copy(prev, is, cur, is - 1);
    return;
  }
  for (let im = 0; im < m; im++) {
    const o = (im * s + is) * u;
    for (let iu = 0; iu < u; iu++) prev[o + iu] = cur[o - u + iu];
  }
}

/**
 * layer.outputArray(key, shape, zero) (reused during training, resident for the WebAssembly kernels; a
 * fresh array otherwise), with an allocation failure turned into a ShapeError naming the layer and the
 * cache, as zeros() reports it.
 */
export function cacheArray(layer: Layer, key: string, shape: readonly number[], zero: boolean): NDArray {
  try {
    return layer.outputArray(key, [...shape], zero);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const n = shape.reduce((a, b) => a * b, 1);
    throw new ShapeError(`${layer.name}: cannot allocate cache ${key} of shape ${fmt(shape)} (${n} values, ${(n * 8 / 2 ** 30).toFixed(2)} GiB): ${err.message}`, { cause: err });
  }
}

/**
 * a[:, is] = 0 for a (m, s, u) array: the one step of a reused cache that the loops never write (hp at
 * the first step, dhn at the last), instead of zeroing the whole buffer.
 */
export function zeroStep(a: Float64Array, is: number, m: number, s: number, u: number): void {
  for (let im = 0, o = is * u; im < m; im++, o += s * u) a.fill(0, o, o + u);
}

/** A copy of the last step h[:, -1] of a (m, s, u) array: (m, u). */
export function lastStep(h: NDArray): NDArray {
  const [m, s, u] = h.shape;
  const out = zeros([m, u]);
  for (let im = 0; im < m; im++) out.data.set(h.data.subarray((im * s + s - 1) * u, (im * s + s) * u), im * u);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Backward

/**
 * dH[:, is] = [dH[:, is] +] G[:, is] · Vᵀ for (m, s, u) arrays dH and G, given VT = Vᵀ (u, u) as
 * stepWeights(…, true) makes it: the gradient sent back through one step's recurrent product (rows at
 * stride s·u, in place).
 */
export function stepProductT(
  dH: Float64Array, G: Float64Array, VT: Float64Array, is: number, m: number, s: number, u: number, accumulate: boolean,
): void {
  stepProduct(m, u, G, is * u, s * u, VT, false, dH, is * u, s * u, accumulate);
}

/**
 * The recurrent weights V (u, u) of `keys` for one pass's step products, copied once per pass into the
 * layer's buffers (Layer.outputArray: resident for the WebAssembly kernels during training), transposed
 * when `transpose` (Vᵀ, for the backward products): the step kernels then read them in place instead of
 * copying V at every step. The same values, so the same products.
 */
export function stepWeights<K extends string>(layer: Layer, keys: readonly K[], transpose: boolean): Record<K, Float64Array> {
  const out = {} as Record<K, Float64Array>;
  for (const k of keys) {
    const V = layer.p[k];
    if (V === undefined) throw new EpyNNError(`${layer.name}: array ${k} is not set (expected one of ${keys.join(', ')})`);
    const [r, c] = V.shape;
    const W = cacheArray(layer, `${k}${transpose ? 'ᵀ' : ''}`, transpose ? [c, r] : [r, c], false).data;
    if (!transpose) W.set(V.data);
    else for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) W[j * r + i] = V.data[i * c + j];
    out[k] = W;
  }
  return out;
}

/**
 * The upstream gradient as a full sequence (m, s, u): dX itself with `sequences`, else zeros
 * with dX (m, u) at the last step (EpyNN: dA[:, -1] = dX), in the layer's buffer 'dA'
 * (Layer.outputArray). dX is never written to.
 */
export function sequenceGradient(layer: Layer, dX: NDArray, sequences: boolean, hShape: readonly number[]): NDArray {
  if (sequences) return dX; // Full length sequence
  const [m, s, u] = hShape;
  const dA = cacheArray(layer, 'dA', hShape, true); // Empty full length sequence
  for (let im = 0; im < m; im++) dA.data.set(dX.data.subarray(im * u, (im + 1) * u), (im * s + s - 1) * u); // Assign to last index
  return dA;
}

// ---------------------------------------------------------------------------------------------
// Gradients of the parameters

/**
 * dW (n, u) = Aᵀ · G summed over all m·s rows (overwrites dW), with A (m, s, n) and G (m, s, u):
 * Σ_t A_tᵀ · G_t over every step in one GEMM.
 */
export function stepsProduct(dW: Float64Array, A: Float64Array, G: Float64Array, ms: number, n: number, u: number): void {
  recurrentGemm(n, u, ms, A, 0, 1, n, G, 0, u, 1, dW, 0, u, false);
}

/** db (1, u) = Σ over all m·s rows of G (m, s, u) (overwrites db). */
export function stepsSum(db: Float64Array, G: Float64Array, ms: number, u: number): void {
  rowSumKernel(db, G, ms, u); // the same sums in the same order on both backends
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Throws ShapeError unless X is a sequence batch (m, s, e) with at least one step. */
export function checkSequenceInput(layer: Layer, X: NDArray): void {
  if (X.ndim !== 3) {
    throw new ShapeError(`${layer.name}: input X must be 3-D (m, s, e) = (samples, steps, elements), got shape ${fmt(X.shape)}`);
  }
  if (X.shape[1] < 1) throw new ShapeError(`${layer.name}: input X must have at least one step (s >= 1), got shape ${fmt(X.shape)}`);
}

/**
 * Before a forward pass: every parameter in `keys` must exist with the shape computed from the
 * input (fs, from computeShapes); checks.ts checkParameters. U-type parameters (first dimension e)
 * get a message about the input width, since that is the usual cause.
 */
export function checkRecurrentParameters(layer: Layer, keys: readonly string[]): void {
  const X = layer.fs.X;
  checkParameters(layer, 'forward', keys, (k, got, want) =>
    k.startsWith('U') && got.length === 2 && got[1] === want[1]
      ? `${layer.name}: input X of shape ${fmt(X)} has e = ${X[2]} elements per step, but parameter ${k} was built for e = ${got[0]} (shape ${fmt(got)})`
      : `${layer.name}: parameter ${k} has shape ${fmt(got)}, expected ${fmt(want)} (e = ${X[2]} from input X ${fmt(X)}, u = ${layer.d.u})`);
}

/**
 * Before a backward pass: forward must have run, and dA must be (m, s, u) with `sequences`,
 * else (m, u), with m and s from the forward input.
 */
export function checkBackwardInput(layer: Layer, dA: NDArray, sequences: boolean): void {
  const X = layer.fc.X;
  if (X === undefined || layer.fc.h === undefined) throw stateError(layer.name, 'backward', 'forward');
  const [m, s] = X.shape;
  const u = layer.d.u;
  const want = sequences ? [m, s, u] : [m, u];
  if (!sameShape(dA.shape, want)) {
    throw new ShapeError(
      `${layer.name}: backward input dA must have shape ${fmt(want)} ${sequences ? '(m, s, u) with sequences' : '(m, u) without sequences'}, got ${fmt(dA.shape)}`,
    );
  }
}

/** Before computeGradients: backward must have run on the current forward input. */
export function checkBackwardDone(layer: Layer, key: string): void {
  const dK = layer.bc[key];
  const X = layer.fc.X;
  if (dK === undefined || X === undefined || layer.bc.dX === undefined || !sameShape(layer.bc.dX.shape, X.shape)) {
    throw stateError(layer.name, 'computeGradients', 'backward');
  }
}
