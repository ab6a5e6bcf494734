// Forward propagation of the Convolution layer (EpyNN convolution/forward.py).
import { checkActivationOutput } from '../commons/checks.js';
import { identity, relu } from '../activation/functions.js';
import { ShapeError } from '../errors.js';
import { type NDArray, fmt } from '../commons/ndarray.js';
import { convForwardKernel } from '../kernels/conv.js';
import { checkConvParameters, checkRank4, convDims } from './dims.js';
import type { Convolution } from './models.js';

/** Forward cache initialization: checks the input against W and caches it (never padded, never copied). */
function initializeForward(layer: Convolution, A: NDArray): NDArray {
  checkRank4('forward', 'A', A);
  checkConvParameters(layer, 'forward');
  const d = layer.p.W.shape[2];
  if (A.shape[3] !== d) {
    throw new ShapeError(`Convolution: forward: A must have depth d = ${d} (the depth W was built for), got A ${fmt(A.shape)}`);
  }
  const X = (layer.fc.X = A);
  return X;
}

/**
 * Forward propagate signal to next layer.
 *
 *   (2)-(4) Xb[im, ioh, iow, ifh, ifw, id] = Xpad[im, ioh·sh + ifh, iow·sw + ifw, id]   (m, oh, ow, fh, fw, d)
 *   (5.1)-(5.2) Z[im, ioh, iow, iu] = Σ_{ifh, ifw, id} Xb[im, ioh, iow, ifh, ifw, id] · W[ifh, ifw, id, iu]
 *   (5.3) Z += b       (m, oh, ow, u) + (u,)
 *   (6)   A = f(Z)     (m, oh, ow, u)
 * with Xpad the input zero-padded by p on both sides of h and w, oh = ⌊(h + 2p − fh)/sh⌋ + 1.
 */
export function convolutionForward(layer: Convolution, A: NDArray): NDArray {
  // (1) Initialize cache and pad image (the kernels pad into their scratch; X itself stays unpadded)
  const X = initializeForward(layer, A); // (m, h, w, d)
  const dm = convDims(layer, X, 'forward');
  const { m, oh, ow } = dm;
  const u = layer.d.u;

  // (2) Slice input w.r.t. filter size (fh, fw) and strides (sh, sw)   } fused in the kernels: window
  // (3) Bring back m along axis 0                                      } offsets, blocks read in place
  // (4) Add dimension for filter units (u) on axis 6                   } (or im2col for large windows)
  // (5.1) Linear activation Xb -> Zb    } fused: Z (m·oh·ow, u) = b + Σ_k Xb[:, k] · W[k, :],
  // (5.2) Sum block products            } Zb (m, oh, ow, fh, fw, d, u) is never made
  // (5.3) Add bias to linear activation product
  // A forward-only pass (Layer.forwardOnly) with the built-in relu: only A is kept, Z is never
  // stored (no backward follows; half the kernel's stores)
  const evaluation = layer.activate === relu && layer.forwardOnly;
  const Z = evaluation ? null : layer.outputArray('Z', [m, oh, ow, u], false); // (m, oh, ow, u), every element written
  // (6) with the built-in relu: A = max(Z, 0) written in the same pass (bit for bit relu(Z))
  const fused = layer.activate === relu ? layer.outputArray('A', [m, oh, ow, u], false) : null;
  const b = layer.useBias ? layer.p.b.data : null;
  convForwardKernel(layer.kernels, X.data, dm, u, layer.p.W.data, b, Z === null ? null : Z.data, fused === null ? null : fused.data);
  if (Z === null) {
    delete layer.fc.Z;
    layer.fs.Z = [m, oh, ow, u]; // the shape Z has (shape tables stay complete)
    A = layer.fc.A = fused!;
    return A; // To next layer
  }
  layer.fc.Z = Z;

  // (6) Non-linear activation
  // (the built-in identity: A is Z itself, as EpyNN's identity returns its argument; no copy)
  A = layer.fc.A = fused ?? (layer.activate === identity ? Z : layer.activate(Z, false, layer.hPars)); // (m, oh, ow, u)
  if (fused === null) checkActivationOutput('Convolution: forward', 'activate', Z, A, false); // a custom activation keeps the shape

  return A; // To next layer
}
