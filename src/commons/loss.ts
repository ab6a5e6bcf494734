// Loss functions (EpyNN commons/loss.py). Y and A are (m, k); U = k is the number of output units.
//   value: per-sample loss, shape (m,);  deriv: dL/dA element-wise, shape (m, k).
import { show } from './checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
import { E_SAFE } from './maths.js';
import { NDArray, fmt, sameShape } from './ndarray.js';
import { log, log1p } from '../fdlibm.js';

/** A loss: per-sample values (m,) or, with `deriv = true`, dL/dA of shape (m, k). */
export type Loss = (Y: NDArray, A: NDArray, deriv?: boolean) => NDArray;

/** Throws unless Y and A are NDArrays of the same (m, k) shape. */
function check(name: string, Y: NDArray, A: NDArray): void {
  if (!(Y instanceof NDArray) || !(A instanceof NDArray)) {
    throw new EpyNNError(`${name}: Y and A must be NDArrays, got ${show(Y)} and ${typeof A}`);
  }
  if (A.ndim !== 2) throw new ShapeError(`${name}: A must be a 2-D array (m, k), got shape ${fmt(A.shape)}`);
  if (!sameShape(Y.shape, A.shape)) {
    throw new ShapeError(`${name}: Y ${fmt(Y.shape)} and A ${fmt(A.shape)} must have the same shape`);
  }
}

/**
 * Builds a loss from its element-wise term t(y, a) (value = scale · Σ_k t) and derivative d(y, a).
 * The scale is applied after the row sum, as EpyNN's `1. / U * np.sum(..., axis=1)`.
 */
function makeLoss(
  name: string,
  scale: (U: number) => number,
  term: (y: number, a: number) => number,
  deriv: (y: number, a: number, U: number) => number,
): Loss {
  const f = (Y: NDArray, A: NDArray, d = false): NDArray => {
    check(name, Y, A);
    const [m, U] = A.shape; // U: number of output units
    const y = Y.data;
    const a = A.data;
    if (d) {
      const out = new Float64Array(m * U); // (m, k)
      for (let i = 0; i < out.length; i++) out[i] = deriv(y[i], a[i], U);
      return new NDArray(out, [m, U]);
    }
    const c = scale(U);
    const out = new Float64Array(m); // (m,)
    for (let im = 0; im < m; im++) {
      let s = 0;
      for (let k = im * U; k < (im + 1) * U; k++) s += term(y[k], a[k]);
      out[im] = c * s;
    }
    return new NDArray(out, [m]);
  };
  Object.defineProperty(f, 'name', { value: name });
  return f;
}

/** Mean Squared Error: (1/U) Σ (Y − A)²;  dL/dA = −2/U · (Y − A). */
export const MSE: Loss = makeLoss(
  'MSE',
  (U) => 1 / U,
  (y, a) => {
    const d = y - a;
    return d * d; // (Y − A) ** 2 (Node's pow(d, 2) is d · d)
  },
  (y, a, U) => (-2 / U) * (y - a),
);

/** Mean Absolute Error: (1/U) Σ |Y − A|;  dL/dA = −1/U · (Y − A) / (|Y − A| + E_SAFE) (0 where A = Y). */
export const MAE: Loss = makeLoss(
  'MAE',
  (U) => 1 / U,
  (y, a) => Math.abs(y - a),
  (y, a, U) => ((-1 / U) * (y - a)) / (Math.abs(y - a) + E_SAFE),
);

/** Mean Squared Logarithmic Error: (1/U) Σ (ln(1+Y) − ln(1+A))²;  dL/dA = −2/U · (ln(1+Y) − ln(1+A)) / (A + 1). */
export const MSLE: Loss = makeLoss(
  'MSLE',
  (U) => 1 / U,
  (y, a) => {
    const d = log1p(y) - log1p(a);
    return d * d; // d ** 2 (Node's pow(d, 2) is d · d)
  },
  (y, a, U) => ((-2 / U) * (log1p(y) - log1p(a))) / (a + 1),
);

/**
 * Categorical Cross-Entropy: −Σ Y · ln(A + E_SAFE) (no 1/U);  dL/dA = −Y / A.
 * NOTE: as in EpyNN, the derivative has no E_SAFE: A = 0 gives −Infinity (Y > 0) or NaN (Y = 0).
 */
export const CCE: Loss = makeLoss(
  'CCE',
  () => -1,
  (y, a) => y * log(a + E_SAFE),
  (y, a) => -1 * (y / a),
);

/** Binary Cross-Entropy: −(1/U) Σ [Y ln(A + E_SAFE) + (1 − Y) ln(1 − A + E_SAFE)];  dL/dA = (1/U)(A − Y) / (A − A² + E_SAFE). */
export const BCE: Loss = makeLoss(
  'BCE',
  (U) => -1 / U,
  (y, a) => y * log(a + E_SAFE) + (1 - y) * log(1 - a + E_SAFE),
  (y, a, U) => ((1 / U) * (a - y)) / (a - a * a + E_SAFE),
);

const LOSSES: Readonly<Record<string, Loss>> = Object.freeze({ MSE, MAE, MSLE, CCE, BCE });

/** Every loss by name (EpyNN's `loss_functions()` without a key). */
export function lossFunctions(): Record<string, Loss>;
/**
 * The loss named `key`, checked against the output layer's activation name (EpyNN's
 * `loss_functions(key, output_activation)`): CCE needs softmax; CCE, BCE and MSLE take a log
 * and refuse tanh (whose outputs can be negative).
 */
export function lossFunctions(key: string, outputActivation?: string): Loss;
export function lossFunctions(key?: string, outputActivation?: string): Loss | Record<string, Loss> {
  if (key === undefined) return { ...LOSSES };
  const loss = Object.hasOwn(LOSSES, key) ? LOSSES[key] : undefined;
  if (loss === undefined) {
    throw new EpyNNError(`loss '${String(key)}' is unknown; known losses: ${Object.keys(LOSSES).join(', ')}`);
  }
  if (key === 'CCE' && outputActivation !== 'softmax') {
    throw new EpyNNError(`CCE can not be used with ${String(outputActivation)} activation, please use softmax instead`);
  }
  if ((key === 'CCE' || key === 'BCE' || key === 'MSLE') && outputActivation === 'tanh') {
    throw new EpyNNError(`${key} contains log() and can not be used with ${outputActivation} activation, please change`);
  }
  return loss;
}
