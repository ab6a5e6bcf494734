// Forward propagation of the Convolution layer (EpyNN convolution/forward.py).
import { relu } from '../activation/functions.js';
import { ShapeError } from '../commons/errors.js';
import { gemmStrided } from '../commons/gemm.js';
import { NDArray, fmt } from '../commons/ndarray.js';
import { directForward, im2col, packW, useDirect } from './kernels.js';
import type { Convolution } from './models.js';
import { checkParameters, checkRank4, prepareBlocks } from './parameters.js';

/** Forward cache initialization: checks the input against W and caches it (never padded, never copied). */
function initializeForward(layer: Convolution, A: NDArray): NDArray {
  checkRank4('forward', 'A', A);
  checkParameters(layer, 'forward');
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
  // (1) Initialize cache and pad image (into the layer's scratch `xpad`; X itself stays unpadded)
  const X = initializeForward(layer, A); // (m, h, w, d)
  // (2) Slice input w.r.t. filter size (fh, fw) and strides (sh, sw)   } fused: window offsets
  // (3) Bring back m along axis 0                                      } xoff (rows) and koff
  // (4) Add dimension for filter units (u) on axis 6                   } (entries), see kernels.ts
  const { dm, xp, M, K } = prepareBlocks(layer, X, 'forward', 'always');
  const { m, oh, ow } = dm;
  const u = layer.d.u;

  const Z = layer.outputArray('Z', [m, oh, ow, u], false); // (m, oh, ow, u), every element written below
  if (useDirect(dm)) {
    // (5.1) Linear activation Xb -> Zb    } fused: Z (m·oh·ow, u) = b + Σ_k Xb[:, k] · W[k, :]
    // (5.2) Sum block products            } read in place from Xpad, 2×4 register blocks (rows × units)
    // (5.3) Add bias to linear activation product (as the accumulators' initial value)
    if (layer.wpack.length < K * ((u + 3) & ~3)) layer.wpack = new Float64Array(K * ((u + 3) & ~3));
    packW(layer.p.W.data, K, u, layer.wpack);
    // (6) with the built-in relu: A = max(Z, 0) written in the same pass (bit for bit relu(Z))
    const fused = layer.activate === relu ? layer.outputArray('A', [m, oh, ow, u], false) : null;
    directForward(xp, layer.xoff, layer.koff, M, K, u, layer.wpack, layer.useBias ? layer.p.b.data : null, Z.data, fused === null ? null : fused.data);
    if (fused !== null) {
      layer.fc.Z = Z;
      A = layer.fc.A = fused; // (m, oh, ow, u)
      return A; // To next layer
    }
  } else {
    // The blocks Xb as the rows of cols (m·oh·ow, fh·fw·d), kept for computeGradients
    if (layer.cols.length < M * K) layer.cols = new Float64Array(M * K); // reused while big enough
    im2col(xp, layer.xoff, layer.koff, M, K, dm.d, layer.cols);
    layer.colsOf = X;
    // (5.1) Linear activation Xb -> Zb    } fused: Zb (m, oh, ow, fh, fw, d, u) is never made,
    // (5.2) Sum block products            } Z (m·oh·ow, u) = cols (m·oh·ow, fh·fw·d) · W (fh·fw·d, u)
    gemmStrided(M, u, K, layer.cols, 0, K, 1, layer.p.W.data, 0, u, 1, Z.data, 0, u, false);
    // (5.3) Add bias to linear activation product
    if (layer.useBias) {
      const z = Z.data;
      const b = layer.p.b.data;
      for (let r = 0; r < M * u; r += u) for (let iu = 0; iu < u; iu++) z[r + iu] += b[iu];
    }
  }
  layer.fc.Z = Z;

  // (6) Non-linear activation
  A = layer.fc.A = layer.activate(Z, false, layer.hPars); // (m, oh, ow, u)

  return A; // To next layer
}
