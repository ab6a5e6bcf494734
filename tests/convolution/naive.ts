// Plain-loop reference convolution (llm.c's "naive" kernels): one loop per index, padding by bounds
// checks, no im2col and no GEMM. The fast path in src/convolution is compared against it.
import { NDArray } from '../../src/commons/ndarray.js';

export interface NaiveConfig {
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  p: number;
}

const outSize = (n: number, f: number, s: number, p: number): number => Math.floor((n + 2 * p - f) / s) + 1;

/** Z[im, ioh, iow, iu] = b[iu] + Σ X[im, ioh·sh + ifh − p, iow·sw + ifw − p, id] · W[ifh, ifw, id, iu] */
export function naiveForward(X: NDArray, W: NDArray, b: NDArray | null, c: NaiveConfig): NDArray {
  const [m, h, w, d] = X.shape;
  const u = W.shape[3];
  const oh = outSize(h, c.fh, c.sh, c.p);
  const ow = outSize(w, c.fw, c.sw, c.p);
  const Z = new Float64Array(m * oh * ow * u);
  for (let im = 0; im < m; im++)
    for (let ioh = 0; ioh < oh; ioh++)
      for (let iow = 0; iow < ow; iow++)
        for (let iu = 0; iu < u; iu++) {
          let z = b === null ? 0 : b.data[iu];
          for (let ifh = 0; ifh < c.fh; ifh++)
            for (let ifw = 0; ifw < c.fw; ifw++) {
              const hh = ioh * c.sh + ifh - c.p;
              const ww = iow * c.sw + ifw - c.p;
              if (hh < 0 || hh >= h || ww < 0 || ww >= w) continue; // padding zeros
              for (let id = 0; id < d; id++) {
                z += X.data[((im * h + hh) * w + ww) * d + id] * W.data[((ifh * c.fw + ifw) * d + id) * u + iu];
              }
            }
          Z[((im * oh + ioh) * ow + iow) * u + iu] = z;
        }
  return new NDArray(Z, [m, oh, ow, u]);
}

/** dX, dW and db of Z = conv(X, W) + b for an upstream dZ (m, oh, ow, u). */
export function naiveBackward(
  X: NDArray,
  W: NDArray,
  dZ: NDArray,
  c: NaiveConfig,
): { dX: NDArray; dW: NDArray; db: NDArray } {
  const [m, h, w, d] = X.shape;
  const [, oh, ow, u] = dZ.shape;
  const dX = new Float64Array(X.data.length);
  const dW = new Float64Array(W.data.length);
  const db = new Float64Array(u);
  for (let im = 0; im < m; im++)
    for (let ioh = 0; ioh < oh; ioh++)
      for (let iow = 0; iow < ow; iow++)
        for (let iu = 0; iu < u; iu++) {
          const g = dZ.data[((im * oh + ioh) * ow + iow) * u + iu];
          db[iu] += g;
          for (let ifh = 0; ifh < c.fh; ifh++)
            for (let ifw = 0; ifw < c.fw; ifw++) {
              const hh = ioh * c.sh + ifh - c.p;
              const ww = iow * c.sw + ifw - c.p;
              if (hh < 0 || hh >= h || ww < 0 || ww >= w) continue;
              for (let id = 0; id < d; id++) {
                const xi = ((im * h + hh) * w + ww) * d + id;
                const wi = ((ifh * c.fw + ifw) * d + id) * u + iu;
                dX[xi] += g * W.data[wi];
                dW[wi] += g * X.data[xi];
              }
            }
        }
  return { dX: new NDArray(dX, X.shape), dW: new NDArray(dW, W.shape), db: new NDArray(db, [u]) };
}
