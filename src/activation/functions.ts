// Activation functions and their derivatives (EpyNN commons/maths.py).
// Hyper-parameters (alphas, temperature) come from the calling layer: `layer.activate(Z, false, layer.hPars)`.
import { checkActivationOutput, show } from '../commons/checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
import { hadamard } from '../commons/maths.js';
import { NDArray, fmt } from '../commons/ndarray.js';
import { reluBackwardKernel } from '../kernels/activation.js';
import { type HPars, seHPars as DEFAULTS } from '../settings.js';
import { exp, tanh as tanhOf } from '../fdlibm.js';

/**
 * An activation: `f(x)` or, with `deriv = true`, its derivative `f'(x)` element-wise
 * (softmax: the per-row Jacobian of shape (m, k, k)). Its `name` is what `layer.activation`
 * records and what model files store.
 */
export type Activation = (x: NDArray, deriv?: boolean, hPars?: HPars) => NDArray;

// Each activation is its own plain loop over the Float64Array (no per-element closure call): these run
// on every element of every layer output, forward and backward.

/** Identity: f(x) = x, f'(x) = 1. */
export function identity(x: NDArray, deriv = false): NDArray {
  return deriv ? new NDArray(new Float64Array(x.data.length).fill(1), x.shape) : x.copy();
}

/** ReLU: max(0, x); f'(x) = 1 if x > 0 else 0 (0 at x = 0, as EpyNN). */
export function relu(x: NDArray, deriv = false): NDArray {
  const a = x.data;
  const out = new Float64Array(a.length);
  if (deriv) for (let i = 0; i < a.length; i++) out[i] = +(a[i] > 0);
  // Math.max compiles to a branch-free max: random signs would defeat a branch predictor. NaN stays NaN.
  else for (let i = 0; i < a.length; i++) out[i] = Math.max(a[i], 0);
  return new NDArray(out, x.shape);
}

/** Leaky ReLU: max(α·x, x) with α = hPars.LRELU_alpha; f'(x) = 1 if x > 0 else α. */
export function lrelu(x: NDArray, deriv = false, hPars: HPars = DEFAULTS): NDArray {
  const alpha = hPars.LRELU_alpha;
  const a = x.data;
  const out = new Float64Array(a.length);
  if (deriv) for (let i = 0; i < a.length; i++) out[i] = a[i] > 0 ? 1 : alpha;
  else for (let i = 0; i < a.length; i++) out[i] = Math.max(alpha * a[i], a[i]);
  return new NDArray(out, x.shape);
}

/** ELU: x if x > 0 else α(eˣ − 1), α = hPars.ELU_alpha; f'(x) = 1 if x > 0 else α(eˣ − 1) + α (EpyNN's elu(x) + α). */
export function elu(x: NDArray, deriv = false, hPars: HPars = DEFAULTS): NDArray {
  const alpha = hPars.ELU_alpha;
  const a = x.data;
  const out = new Float64Array(a.length);
  if (deriv) eluDerivLoop(a, out, alpha);
  else eluLoop(a, out, alpha);
  return new NDArray(out, x.shape);
}

/** Sigmoid σ(x) (numerically stable); σ'(x) = σ(x)(1 − σ(x)). */
export function sigmoid(x: NDArray, deriv = false): NDArray {
  const out = new Float64Array(x.data.length);
  sigmoidLoop(x.data, out, deriv);
  return new NDArray(out, x.shape);
}

/**
 * Hyperbolic tangent; tanh'(x) = 1 − tanh²(x).
 * NOTE: EpyNN computes (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ), which is NaN for |x| > ~710; our tanh (fdlibm's, src/fdlibm.ts) is finite everywhere.
 */
export function tanh(x: NDArray, deriv = false): NDArray {
  const a = x.data;
  const out = new Float64Array(a.length);
  if (deriv) tanhDerivLoop(a, out);
  else tanhLoop(a, out);
  return new NDArray(out, x.shape);
}

/**
 * Softmax over axis 1 of an (m, k) array with temperature T = hPars.softmax_temperature:
 *   s = exp((x − max x) / T) / Σ exp((x − max x) / T)
 * Derivative: the per-row Jacobian ds/dx = (diag(s) − s sᵀ) / T, shape (m, k, k).
 * NOTE: EpyNN omits the 1/T factor; we implement the exact Jacobian (docs/PORTING.md).
 */
export function softmax(x: NDArray, deriv = false, hPars: HPars = DEFAULTS): NDArray {
  if (x.ndim !== 2) throw new ShapeError(`softmax: expected an (m, k) array, got shape ${fmt(x.shape)}`);
  const T = hPars.softmax_temperature;
  if (!(T > 0)) throw new EpyNNError(`softmax: softmax_temperature must be > 0, got ${T}`);
  const [m, k] = x.shape;
  const a = x.data;
  const s = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (a[o + j] > max) max = a[o + j];
    const total = softmaxRowExp(a, s, o, k, max, T);
    for (let j = 0; j < k; j++) s[o + j] /= total;
  }
  if (!deriv) return new NDArray(s, [m, k]);
  const J = new Float64Array(m * k * k);
  for (let i = 0; i < m; i++) {
    const o = i * k;
    for (let p = 0; p < k; p++) {
      const sp = s[o + p];
      const row = (o + p) * k;
      for (let q = 0; q < k; q++) J[row + q] = ((p === q ? sp : 0) - sp * s[o + q]) / T;
    }
  }
  return new NDArray(J, [m, k, k]);
}

/**
 * dZ = dA ⊙ f'(Z), the first step of every layer's backward pass. For the built-in element-wise
 * activations it is one fused loop (f'(Z) is never allocated), each with the same expression as its
 * `deriv = true` branch above, so the result is bit for bit `hadamard(dA, f(Z, true))`; the output array
 * comes from `alloc` (a layer may hand out a reused buffer: every element is written). Any other
 * activation (softmax, a custom one) goes through `hadamard(dA, f(Z, true, hPars))`, which also takes a
 * per-row Jacobian (m, k, k).
 */
export function activationBackward(
  f: Activation, dA: NDArray, Z: NDArray, hPars: HPars = DEFAULTS, alloc: () => NDArray = () => new NDArray(new Float64Array(Z.size), Z.shape),
): NDArray {
  if (f !== relu && f !== identity && f !== lrelu && f !== elu && f !== sigmoid && f !== tanh) {
    const d = f(Z, true, hPars);
    // a custom derivative keeps Z's shape, or is a per-row Jacobian (m, k, k) as softmax's
    checkActivationOutput('activationBackward', nameOf(f), Z, d, true, true);
    return hadamard(dA, d);
  }
  if (dA.size !== Z.size || dA.ndim !== Z.ndim) {
    throw new ShapeError(`activationBackward: dA ${fmt(dA.shape)} does not match Z ${fmt(Z.shape)}`);
  }
  const g = dA.data;
  const a = Z.data;
  const n = a.length;
  const dZ = alloc();
  const out = dZ.data;
  if (f === relu) {
    reluBackwardKernel(g, a, out); // g[i] · [a[i] > 0]
  } else if (f === identity) {
    for (let i = 0; i < n; i++) out[i] = g[i] * 1;
  } else if (f === lrelu) {
    const alpha = hPars.LRELU_alpha;
    for (let i = 0; i < n; i++) out[i] = g[i] * (a[i] > 0 ? 1 : alpha);
  } else if (f === elu) {
    eluBackwardLoop(g, a, out, hPars.ELU_alpha);
  } else if (f === sigmoid) {
    sigmoidBackwardLoop(g, a, out);
  } else {
    tanhBackwardLoop(g, a, out);
  }
  return dZ;
}

// The loops that call exp or tanh (src/fdlibm.ts), each in its own small function: the compiler inlines exp and
// tanh into a loop only within a budget per compiled function (a call that is not inlined returns its double
// boxed), so no function holds more than one or two of these call sites.

function eluLoop(a: Float64Array, out: Float64Array, alpha: number): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] > 0 ? a[i] : alpha * (exp(a[i]) - 1);
}

function eluDerivLoop(a: Float64Array, out: Float64Array, alpha: number): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] > 0 ? 1 : alpha * (exp(a[i]) - 1) + alpha;
}

function eluBackwardLoop(g: Float64Array, a: Float64Array, out: Float64Array, alpha: number): void {
  for (let i = 0; i < a.length; i++) out[i] = g[i] * (a[i] > 0 ? 1 : alpha * (exp(a[i]) - 1) + alpha);
}

/** σ(v), or σ(v)(1 − σ(v)) with deriv: exp of a non-positive number only (no overflow), computed once. */
function sigmoidLoop(a: Float64Array, out: Float64Array, deriv: boolean): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const e = exp(v >= 0 ? -v : v);
    const s = v >= 0 ? 1 / (1 + e) : e / (1 + e);
    out[i] = deriv ? s * (1 - s) : s;
  }
}

function sigmoidBackwardLoop(g: Float64Array, a: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const e = exp(v >= 0 ? -v : v);
    const s = v >= 0 ? 1 / (1 + e) : e / (1 + e);
    out[i] = g[i] * (s * (1 - s));
  }
}

function tanhLoop(a: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) out[i] = tanhOf(a[i]);
}

function tanhDerivLoop(a: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const t = tanhOf(a[i]);
    out[i] = 1 - t * t;
  }
}

function tanhBackwardLoop(g: Float64Array, a: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const t = tanhOf(a[i]);
    out[i] = g[i] * (1 - t * t);
  }
}

/** s[o + j] = exp((a[o + j] − max) / T) for one row of k; returns their sum, added in order. */
function softmaxRowExp(a: Float64Array, s: Float64Array, o: number, k: number, max: number, T: number): number {
  let total = 0;
  for (let j = 0; j < k; j++) total += s[o + j] = exp((a[o + j] - max) / T);
  return total;
}

const registry = new Map<string, Activation>();

/**
 * Registers an activation under a name, so models using it can be written and read back.
 * Built-in activations are registered under their function names.
 */
export function registerActivation(name: string, fn: Activation): void {
  if (typeof fn !== 'function') throw new EpyNNError(`registerActivation: expected a function for '${name}', got ${show(fn)}`);
  const existing = registry.get(name);
  if (existing !== undefined && existing !== fn) {
    throw new EpyNNError(`registerActivation: the name '${name}' is already taken by another function`);
  }
  registry.set(name, fn);
}

/** The activation registered under `name`, or an error listing the known names. */
export function getActivation(name: string): Activation {
  const fn = registry.get(name);
  if (fn === undefined) {
    throw new EpyNNError(`activation '${name}' is not registered; known: ${[...registry.keys()].join(', ')} (use registerActivation)`);
  }
  return fn;
}

/** The registered name of an activation function, or undefined. */
export function activationName(fn: Activation): string | undefined {
  for (const [k, v] of registry) if (v === fn) return k;
  return undefined;
}

/** The library's own activations, by name (registered already). */
export const BUILTIN_ACTIVATIONS: Readonly<Record<string, Activation>> = Object.freeze({ identity, relu, lrelu, elu, sigmoid, tanh, softmax });

for (const [name, fn] of Object.entries(BUILTIN_ACTIVATIONS)) registerActivation(name, fn);

/** The name a layer records for an activation (registered name, else the function's own name). */
export function nameOf(fn: Activation): string {
  return activationName(fn) ?? (fn.name || 'anonymous');
}
