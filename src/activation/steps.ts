// Activations over the (m, s, u) caches of the recurrent layers (RNN, LSTM, GRU): one step's
// activation, in place, and the derivative over every step at once. Like activationBackward, the
// built-in tanh and sigmoid get loops of their own; any other activation is called as EpyNN calls it.
import { show } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import type { Layer } from '../commons/models.js';
import { NDArray, fmt, zeros } from '../commons/ndarray.js';
import { cacheArray } from '../commons/recurrent.js';
import { derivativeKernel, stepActivationKernel } from '../kernels/recurrent.js';
import { type Activation, sigmoid, tanh } from './functions.js';

/**
 * One step's bias and activation, `(Z, b, A, is, s)`: Z[:, is] += b (in place: the stored linear
 * part; b null: no bias), then A[:, is] = fn(Z[:, is]), for (m, s, u) arrays Z and A.
 */
export type StepActivation = (Z: Float64Array, b: Float64Array | null, A: Float64Array, is: number, s: number) => void;

/**
 * The step activation of one gate. The built-in tanh and sigmoid are applied in place (same
 * expressions as src/activation/functions.ts, so the same values to the bit); any other activation
 * is called with the layer's hyper-parameters on a copy of the step (m, u), as EpyNN does.
 */
export function stepActivation(layer: Layer, gate: string, fn: Activation, m: number, u: number): StepActivation {
  const addBias = (Z: Float64Array, b: Float64Array | null, is: number, s: number): void => {
    if (b === null) return;
    for (let im = 0, o = is * u; im < m; im++, o += s * u) for (let iu = 0; iu < u; iu++) Z[o + iu] += b[iu];
  };
  // The built-ins: the 'stepActivation' kernel (the same bits on both backends)
  if (fn === tanh) return (Z, b, A, is, s) => stepActivationKernel('tanh', Z, b, A, is * u, s * u, m, u);
  if (fn === sigmoid) return (Z, b, A, is, s) => stepActivationKernel('sigmoid', Z, b, A, is * u, s * u, m, u);
  const buf = zeros([m, u]); // (m, u) one step of Z, reused
  const z = buf.data;
  return (Z, b, A, is, s) => {
    addBias(Z, b, is, s);
    for (let im = 0, o = is * u; im < m; im++, o += s * u) for (let iu = 0; iu < u; iu++) z[im * u + iu] = Z[o + iu];
    const out = activateStep(layer, gate, fn, buf);
    for (let im = 0, o = is * u; im < m; im++, o += s * u) for (let iu = 0; iu < u; iu++) A[o + iu] = out[im * u + iu];
  };
}

/**
 * fn(Z) with the layer's hyper-parameters, for one step Z (m, u). The result must keep Z's
 * shape (the recurrent layers need element-wise, or at most row-wise, activations).
 */
export function activateStep(layer: Layer, gate: string, fn: Activation, Z: NDArray): Float64Array {
  const out = fn(Z, false, layer.hPars);
  if (!(out instanceof NDArray) || out.data.length !== Z.data.length) {
    throw new ShapeError(`${layer.name}: ${gate} must return an array of the input's shape ${fmt(Z.shape)}, got ${out instanceof NDArray ? fmt(out.shape) : show(out)}`);
  }
  return out.data;
}

/**
 * fn'(Z) for a whole (m, s, u) cache in one call, where A = fn(Z) is the cached activation.
 * The built-in tanh and sigmoid take it from A (1 − A², A·(1 − A)): the same values to the bit as
 * their `deriv` branch, which recomputes A from Z. Other activations are called once on the
 * (m·s, u) view: EpyNN calls the derivative step by step; element-wise (and row-wise) derivatives
 * give the same values. The built-ins' results go to the layer's buffer `d${gate}` (Layer.outputArray:
 * reused during training, resident for the WebAssembly kernels, which then compute them).
 */
export function derivativeOf(layer: Layer, gate: string, fn: Activation, Z: NDArray, A: Float64Array): Float64Array {
  if (fn === tanh) {
    const d = cacheArray(layer, `d${gate}`, Z.shape, false).data;
    derivativeKernel('tanh', A, d);
    return d;
  }
  if (fn === sigmoid) {
    const d = cacheArray(layer, `d${gate}`, Z.shape, false).data;
    derivativeKernel('sigmoid', A, d);
    return d;
  }
  const [m, s, u] = Z.shape;
  const d = fn(Z.reshape([m * s, u]), true, layer.hPars);
  if (!(d instanceof NDArray) || d.data.length !== Z.data.length) {
    throw new ShapeError(
      `${layer.name}: the derivative of ${gate} must be element-wise (shape ${fmt([m * s, u])}), got ${d instanceof NDArray ? fmt(d.shape) : show(d)}`,
    );
  }
  return d.data;
}
