// Sizes and checks shared by the Convolution layer's passes (not EpyNN steps: its checks are implicit).
import { checkParameters, checkSize } from '../commons/checks.js';
import { ShapeError } from '../errors.js';
import { type NDArray, fmt } from '../commons/ndarray.js';
import type { ConvDims } from '../kernels/conv.js';
import type { Convolution } from './models.js';

/** Throws a ShapeError unless `X` is 4-D (m, h, w, d). */
export function checkRank4(where: string, arg: string, X: NDArray): void {
  if (X.ndim !== 4) {
    throw new ShapeError(`Convolution: ${where}: ${arg} must be 4-D (m, h, w, d), got shape ${fmt(X.shape)}`);
  }
}

/**
 * Sizes of one convolution of `X` (m, h, w, d): m, h, w, d are read from X itself (the last batch
 * may be smaller), the window sizes from `layer.d`. Throws when the window does not fit.
 */
export function convDims(layer: Convolution, X: NDArray, where: string): ConvDims {
  const [m, h, w, d] = X.shape;
  const { fh, fw, sh, sw, p } = layer.d;
  if (fh > h + 2 * p || fw > w + 2 * p) {
    throw new ShapeError(
      `Convolution: ${where}: filter (fh, fw) = (${fh}, ${fw}) is larger than the padded input ` +
        `(h + 2p, w + 2p) = (${h + 2 * p}, ${w + 2 * p}) of X ${fmt(X.shape)} with padding ${p}`,
    );
  }
  // Output height (oh) and width (ow), from the PADDED input
  const oh = Math.floor((h + 2 * p - fh) / sh) + 1;
  const ow = Math.floor((w + 2 * p - fw) / sw) + 1;
  // Sizes within what one array (and the kernels' 32-bit offsets) can hold, before anything is allocated
  if (p > 0) checkSize(`Convolution: ${where}`, `padded input (m, h + 2p, w + 2p, d) with padding ${p}`, [m, h + 2 * p, w + 2 * p, d]);
  checkSize(`Convolution: ${where}`, 'output Z (m, oh, ow, u)', [m, oh, ow, layer.d.u]);
  checkSize(`Convolution: ${where}`, 'filters W (fh, fw, d, u)', [fh, fw, d, layer.d.u]);
  return { m, h, w, d, fh, fw, sh, sw, p, oh, ow };
}

/** Throws unless p.W is (fh, fw, d, u) and p.b is (u,) as computeShapes set them in fs (checks.ts checkParameters). */
export function checkConvParameters(layer: Convolution, where: string): void {
  checkParameters(layer, where, ['W', 'b'], (k, got, want) =>
    `Convolution: ${where}: p.${k} must have shape ${k === 'W' ? '(fh, fw, d, u)' : '(u,)'} = ${fmt(want)}, got ${fmt(got)}`);
}
