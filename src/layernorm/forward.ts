// LayerNormalization forward pass.
import { checkParameters } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { NDArray, fmt, sameShape } from '../commons/ndarray.js';
import type { LayerNormalization } from './models.js';
import { checkLayerNormInput } from './parameters.js';

/** Forward cache initialization. */
function initializeForward(layer: LayerNormalization, A: NDArray): NDArray {
  checkLayerNormInput(layer, 'forward', A);
  const G = A.shape.slice(A.ndim - layer.axes);
  const keys = [...(layer.scale ? ['gamma'] : []), ...(layer.center ? ['beta'] : [])];
  const fs = Object.fromEntries(keys.map((k) => [k, layer.fs[k] ?? G]));
  checkParameters({ name: 'LayerNormalization', p: layer.p, fs }, 'forward', keys);
  const built = keys.length > 0 ? layer.p[keys[0]].shape : layer.fs.X?.slice(layer.fs.X.length - layer.axes);
  if (built !== undefined && !sameShape(built, G)) {
    throw new ShapeError(`LayerNormalization: forward input A has shape ${fmt(A.shape)}, but the layer was built for normalized axes ${fmt(built)}`);
  }
  const X = (layer.fc.X = A); // Kept by reference: never written to
  return X;
}

/**
 * Forward propagate signal to next layer, for each of the R groups r (a sample; with axis -1 a
 * sample's position) over its n normalized values:
 *
 *   (2) μ[r]  = Σ_k X[r, k] / n
 *   (3) σ²[r] = Σ_k (X[r, k] − μ[r])² / n        biased
 *   (4) X̂ = (X − μ) / √(σ² + ε)
 *   (5) A = γ ⊙ X̂ + β                            (γ = 1 without scale, β = 0 without center)
 */
export function layerNormForward(layer: LayerNormalization, A: NDArray): NDArray {
  // (1) Initialize cache
  const X = initializeForward(layer, A); // (m, ..., n)
  const n = X.shape.slice(X.ndim - layer.axes).reduce((a, b) => a * b, 1);
  layer.d.n = n;
  const x = X.data;
  const R = n === 0 ? 0 : x.length / n;

  // (2)-(3) Statistics per group
  const mu = new Float64Array(R);
  const v = new Float64Array(R);
  for (let r = 0, o = 0; r < R; r++, o += n) {
    let s = 0;
    for (let k = 0; k < n; k++) s += x[o + k];
    const m = s / n; // (2)
    let q = 0;
    for (let k = 0; k < n; k++) {
      const t = x[o + k] - m;
      q += t * t;
    }
    mu[r] = m;
    v[r] = q / n; // (3)
  }
  layer.fc.mu = new NDArray(mu, [R]);
  layer.fc.var = new NDArray(v, [R]);

  // (4) Normalize
  // (5) Scale and shift
  const gamma = layer.scale ? layer.p.gamma.data : null;
  const beta = layer.center ? layer.p.beta.data : null;
  const Xh = (layer.fc.Xh = layer.outputArray('Xh', X.shape, false)); // every element written
  A = layer.fc.A = layer.outputArray('A', X.shape, false);
  const xh = Xh.data;
  const a = A.data;
  for (let r = 0, o = 0; r < R; r++, o += n) {
    const m = mu[r];
    const inv = 1 / Math.sqrt(v[r] + layer.epsilon);
    for (let k = 0; k < n; k++) {
      const h = (x[o + k] - m) * inv; // (4)
      xh[o + k] = h;
      const y = gamma === null ? h : gamma[k] * h;
      a[o + k] = beta === null ? y : y + beta[k]; // (5)
    }
  }

  return A; // To next layer
}
