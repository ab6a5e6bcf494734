// RNN shapes, parameters and gradients (EpyNN rnn/parameters.py).
// The step kernels and checks exported here are shared by the recurrent family (RNN, LSTM, GRU).
import { EpyNNError, ShapeError } from '../commons/errors.js';
import { gemmTN } from '../commons/gemm.js';
import type { Layer } from '../commons/models.js';
import { sgdUpdate } from '../commons/models.js';
import { type NDArray, fmt, sameShape, zeros } from '../commons/ndarray.js';
import type { RNN } from './models.js';

/** Parameter keys of RNN, in EpyNN's order (gradients follow it: dU, dV, db). */
export const RNN_PARAMETERS = ['U', 'V', 'b'] as const;

/**
 * Sets fs.X (m, s, e), the dimensions m, s, e and the shapes of U (e, u), V (u, u), b (1, u)
 * and of the hidden state h (m, s, u).
 */
// prettier-ignore
export function rnnComputeShapes(layer: RNN, A: NDArray): void {
  const X = A; // Input of current layer
  checkSequenceInput(layer, X);

  layer.fs.X = X.shape; // (m, s, e)

  layer.d.m = layer.fs.X[0]; // Number of samples (m)
  layer.d.s = layer.fs.X[1]; // Steps in sequence (s)
  layer.d.e = layer.fs.X[2]; // Elements per step (e)

  // Shapes for trainable parameters      Unit cells (u)
  layer.fs.U = [layer.d.e, layer.d.u]; // (e, u)
  layer.fs.V = [layer.d.u, layer.d.u]; // (u, u)
  layer.fs.b = [1, layer.d.u];         // (1, u)

  // Shape of hidden state (h) with respect to steps (s)
  layer.fs.h = [layer.d.m, layer.d.s, layer.d.u]; // (m, s, u)
}

/** U and V from `layer.initialization`, b zeros (as EpyNN). */
export function rnnInitializeParameters(layer: RNN): void {
  requireShapes(layer, RNN_PARAMETERS);
  // For linear activation of hidden state (h_)
  layer.p.U = layer.initialization(layer.fs.U, layer.rng); // (e, u)
  layer.p.V = layer.initialization(layer.fs.V, layer.rng); // (u, u)
  layer.p.b = zeros(layer.fs.b); // (1, u)  dot(X, U) + dot(hp, V) + b
}

/**
 * Summed over steps t and samples:
 *   (1.1) dU = Σ_t X_tᵀ · dh__t     (e, u)
 *   (1.2) dV = Σ_t hp_tᵀ · dh__t    (u, u)
 *   (1.3) db = Σ_t Σ_m dh__t        (1, u)
 * EpyNN loops over the steps (in reverse); each sum here is one GEMM over all m·s rows instead.
 */
export function rnnComputeGradients(layer: RNN): void {
  requireBackward(layer, 'dh_');
  const { s, e, u } = layer.d;
  const ms = layer.fc.X.shape[0] * s; // m·s rows
  const X = layer.fc.X.data; // (m, s, e)
  const hp = layer.fc.hp.data; // (m, s, u)
  const dh_ = layer.bc.dh_.data; // (m, s, u)

  // Gradients initialization with respect to parameters
  for (const k of Object.keys(layer.p)) layer.g[`d${k}`] = zeros(layer.p[k].shape);

  // (1) Gradients of the loss with respect to U, V, b, fused over the steps
  stepsProduct(layer.g.dU.data, X, dh_, ms, e, u); // (1.1) dL/dU
  stepsProduct(layer.g.dV.data, hp, dh_, ms, u, u); // (1.2) dL/dV
  stepsSum(layer.g.db.data, dh_, ms, u); // (1.3) dL/db
}

/** Gradient descent on U, V, b. */
export function rnnUpdateParameters(layer: RNN): void {
  sgdUpdate(layer);
}

// ---------------------------------------------------------------------------------------------
// Shared by RNN, LSTM and GRU

/**
 * dW (n, u) = Aᵀ · G summed over all m·s rows (overwrites dW), with A (m, s, n) and G (m, s, u):
 * Σ_t A_tᵀ · G_t over every step in one GEMM.
 */
export function stepsProduct(dW: Float64Array, A: Float64Array, G: Float64Array, ms: number, n: number, u: number): void {
  gemmTN(n, u, ms, A, G, dW);
}

/** db (1, u) = Σ over all m·s rows of G (m, s, u) (overwrites db). */
export function stepsSum(db: Float64Array, G: Float64Array, ms: number, u: number): void {
  db.fill(0);
  for (let r = 0, o = 0; r < ms; r++, o += u) for (let iu = 0; iu < u; iu++) db[iu] += G[o + iu];
}

/** Throws ShapeError unless X is a sequence batch (m, s, e) with at least one step. */
export function checkSequenceInput(layer: Layer, X: NDArray): void {
  if (X.ndim !== 3) {
    throw new ShapeError(`${layer.name}: input X must be 3-D (m, s, e) = (samples, steps, elements), got shape ${fmt(X.shape)}`);
  }
  if (X.shape[1] < 1) throw new ShapeError(`${layer.name}: input X must have at least one step (s >= 1), got shape ${fmt(X.shape)}`);
}

/** Throws unless computeShapes has set the shape of every parameter in `keys`. */
export function requireShapes(layer: Layer, keys: readonly string[]): void {
  for (const k of keys) {
    if (layer.fs[k] === undefined) throw new EpyNNError(`${layer.name}: shape of ${k} unknown; call computeShapes(X) first`);
  }
}

/**
 * Before a forward pass: every parameter in `keys` must exist with the shape computed from the
 * input (fs, from computeShapes). U-type parameters (first dimension e) get a message about the
 * input width, since that is the usual cause.
 */
export function checkParameters(layer: Layer, keys: readonly string[]): void {
  const X = layer.fs.X;
  for (const k of keys) {
    const P = layer.p[k];
    if (P === undefined) throw new EpyNNError(`${layer.name}: parameter ${k} is not set; call initializeParameters() first`);
    const want = layer.fs[k];
    if (sameShape(P.shape, want)) continue;
    if (k.startsWith('U') && P.ndim === 2 && P.shape[1] === want[1]) {
      throw new ShapeError(
        `${layer.name}: input X of shape ${fmt(X)} has e = ${X[2]} elements per step, but parameter ${k} was built for e = ${P.shape[0]} (shape ${fmt(P.shape)})`,
      );
    }
    throw new ShapeError(
      `${layer.name}: parameter ${k} has shape ${fmt(P.shape)}, expected ${fmt(want)} (e = ${X[2]} from input X ${fmt(X)}, u = ${layer.d.u})`,
    );
  }
}

/**
 * Before a backward pass: forward must have run, and dA must be (m, s, u) with `sequences`,
 * else (m, u), with m and s from the forward input.
 */
export function checkBackwardInput(layer: Layer, dA: NDArray, sequences: boolean): void {
  const X = layer.fc.X;
  if (X === undefined || layer.fc.h === undefined) throw new EpyNNError(`${layer.name}: backward() called before forward()`);
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
export function requireBackward(layer: Layer, key: string): void {
  const dK = layer.bc[key];
  const X = layer.fc.X;
  if (dK === undefined || X === undefined || layer.bc.dX === undefined || !sameShape(layer.bc.dX.shape, X.shape)) {
    throw new EpyNNError(`${layer.name}: computeGradients() called before backward()`);
  }
}
