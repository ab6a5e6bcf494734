// Reference implementations the benchmark compares against (never used by the library):
//  - plainGemm*: Dense and the recurrent layers written as plain GEMM calls on preallocated buffers
//    (gates fused, the input products of all steps in one GEMM). This is the floor the target
//    "within 2× of the same layer written as a plain GEMM call" is measured against.
//  - naiveTrainStep: the CNN training step from the plain loops the tests compare against
//    (tests/convolution/naive.ts, tests/pooling/naive.ts) plus plain triple loops for Dense.
import { gemmNN, gemmNT, gemmStrided, gemmTN } from '../src/commons/gemm.js';
import { NDArray } from '../src/commons/ndarray.js';
import { naiveBackward, naiveForward } from '../tests/convolution/naive.js';
import { naivePoolBackward, naivePoolForward } from '../tests/pooling/naive.js';
import { randomArray } from './timing.js';

const sigm = (x: number): number => 1 / (1 + Math.exp(-x));

/** Column sums of a (rows, cols) matrix into out (overwritten). */
function colSums(x: Float64Array, rows: number, cols: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0, r = 0; i < rows; i++, r += cols) for (let j = 0; j < cols; j++) out[j] += x[r + j];
}

/** Row-wise softmax of z (m, u) into a. */
function softmaxRows(z: Float64Array, m: number, u: number, a: Float64Array): void {
  for (let i = 0, r = 0; i < m; i++, r += u) {
    let mx = -Infinity;
    for (let j = 0; j < u; j++) mx = Math.max(mx, z[r + j]);
    let s = 0;
    for (let j = 0; j < u; j++) s += a[r + j] = Math.exp(z[r + j] - mx);
    for (let j = 0; j < u; j++) a[r + j] /= s;
  }
}

/** dZ = J_softmax · dA row by row: dZ[k] = a[k] · (dA[k] − Σ_j dA[j] · a[j]). */
function softmaxBackward(a: Float64Array, dA: Float64Array, m: number, u: number, dZ: Float64Array): void {
  for (let i = 0, r = 0; i < m; i++, r += u) {
    let s = 0;
    for (let j = 0; j < u; j++) s += dA[r + j] * a[r + j];
    for (let j = 0; j < u; j++) dZ[r + j] = a[r + j] * (dA[r + j] - s);
  }
}

// ---------------------------------------------------------------------------------------------------
// Dense: X (m, n) -> Dense(h, relu) -> Dense(k, softmax), forward and backward with gradients.

export interface PlainModel {
  /** Forward, backward and gradients once. */
  step(): void;
  /** Multiply-adds ×2 of the matrix products in one step. */
  flops: number;
}

export function plainGemmDense(m: number, n: number, h: number, k: number): PlainModel {
  const X = randomArray(m * n, 11);
  const W1 = randomArray(n * h, 12, 0.05), b1 = new Float64Array(h);
  const W2 = randomArray(h * k, 13, 0.1), b2 = new Float64Array(k);
  const dA = randomArray(m * k, 14);
  const Z1 = new Float64Array(m * h), A1 = new Float64Array(m * h), Z2 = new Float64Array(m * k), A2 = new Float64Array(m * k);
  const dZ2 = new Float64Array(m * k), dA1 = new Float64Array(m * h), dX = new Float64Array(m * n);
  const dW1 = new Float64Array(n * h), db1 = new Float64Array(h), dW2 = new Float64Array(h * k), db2 = new Float64Array(k);
  return {
    flops: 3 * 2 * m * (n * h + h * k),
    step(): void {
      gemmNN(m, h, n, X, W1, Z1); // Z1 = X · W1 + b1
      for (let i = 0; i < m * h; i++) A1[i] = Math.max(0, (Z1[i] += b1[i % h]));
      gemmNN(m, k, h, A1, W2, Z2); // Z2 = A1 · W2 + b2
      for (let i = 0; i < m * k; i++) Z2[i] += b2[i % k];
      softmaxRows(Z2, m, k, A2);
      softmaxBackward(A2, dA, m, k, dZ2);
      gemmTN(h, k, m, A1, dZ2, dW2); // dW2 = A1ᵀ · dZ2
      colSums(dZ2, m, k, db2);
      gemmNT(m, h, k, dZ2, W2, dA1); // dA1 = dZ2 · W2ᵀ
      for (let i = 0; i < m * h; i++) if (Z1[i] <= 0) dA1[i] = 0; // dZ1 = dA1 ⊙ relu'(Z1)
      gemmTN(n, h, m, X, dA1, dW1); // dW1 = Xᵀ · dZ1
      colSums(dA1, m, h, db1);
      gemmNT(m, n, h, dA1, W1, dX); // dX = dZ1 · W1ᵀ
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Recurrent layers over X (m, s, e) with u cells, returning the last hidden state (sequences false).
// Gates are fused along the columns: U (e, G·u), V (u, G·u), b (G·u). Forward: the input products of
// all steps in one GEMM (m·s, e)·(e, G·u), then one (m, u)·(u, G·u) GEMM per step. Backward: the
// recurrence needs one GEMM per step; dX, dU, dV come from one GEMM each over all m·s rows.

export type RecurrentKind = 'RNN' | 'LSTM' | 'GRU';
export const GATES: Record<RecurrentKind, number> = { RNN: 1, LSTM: 4, GRU: 3 };

export function plainGemmRecurrent(kind: RecurrentKind, m: number, s: number, e: number, u: number): PlainModel {
  const G = GATES[kind];
  const Gu = G * u;
  const ms = m * s;
  const X = randomArray(ms * e, 21); // (m, s, e) = (m·s, e)
  const U = randomArray(e * Gu, 22, 0.2);
  const V = randomArray(u * Gu, 23, 0.2);
  const b = randomArray(Gu, 24, 0.1);
  const dA = randomArray(m * u, 25); // dL/dh of the last step
  const P = new Float64Array(ms * Gu); // pre-activations (m, s, G·u), activated in place
  const H = new Float64Array(ms * u); // h (m, s, u)
  const HP = new Float64Array(ms * u); // h of the previous step (m, s, u)
  const CS = new Float64Array(ms * u); // LSTM: C_ (m, s, u); GRU: r ⊙ hp
  const CT = new Float64Array(ms * u); // LSTM: tanh(C_); GRU: hh
  const CP = new Float64Array(ms * u); // LSTM: C_ of the previous step
  const DG = new Float64Array(ms * Gu); // dL/d(pre-activations)
  const dh = new Float64Array(m * u), dC = new Float64Array(m * u), tmp = new Float64Array(m * u);
  const dX = new Float64Array(ms * e), dU = new Float64Array(e * Gu), dV = new Float64Array(u * Gu), db = new Float64Array(Gu);
  const ldP = s * Gu; // row stride of one step's (m, G·u) slice
  const ldH = s * u;

  function forward(): void {
    gemmNN(ms, Gu, e, X, U, P); // X · U for every step
    for (let i = 0; i < ms; i++) for (let j = 0; j < Gu; j++) P[i * Gu + j] += b[j];
    for (let t = 0; t < s; t++) {
      const pt = t * Gu;
      const ht = t * u;
      for (let im = 0; im < m; im++) {
        const r = im * ldH + ht;
        for (let iu = 0; iu < u; iu++) {
          HP[r + iu] = t === 0 ? 0 : H[r - u + iu];
          if (kind === 'LSTM') CP[r + iu] = t === 0 ? 0 : CS[r - u + iu];
        }
      }
      if (t > 0) {
        // P_t += hp · V  (GRU: only the r and z columns; hh uses (r ⊙ hp) · Vhh below)
        const cols = kind === 'GRU' ? 2 * u : Gu;
        gemmStrided(m, cols, u, HP, ht, ldH, 1, V, 0, Gu, 1, P, pt, ldP, true);
      }
      for (let im = 0; im < m; im++) {
        const p = im * ldP + pt;
        const r = im * ldH + ht;
        if (kind === 'RNN') {
          for (let iu = 0; iu < u; iu++) H[r + iu] = P[p + iu] = Math.tanh(P[p + iu]);
        } else if (kind === 'LSTM') {
          for (let iu = 0; iu < u; iu++) {
            const f = (P[p + iu] = sigm(P[p + iu]));
            const i = (P[p + u + iu] = sigm(P[p + u + iu]));
            const g = (P[p + 2 * u + iu] = Math.tanh(P[p + 2 * u + iu]));
            const o = (P[p + 3 * u + iu] = sigm(P[p + 3 * u + iu]));
            const c = (CS[r + iu] = CP[r + iu] * f + i * g);
            const ct = (CT[r + iu] = Math.tanh(c));
            H[r + iu] = o * ct;
          }
        } else {
          for (let iu = 0; iu < u; iu++) {
            const rr = (P[p + iu] = sigm(P[p + iu]));
            P[p + u + iu] = sigm(P[p + u + iu]);
            CS[r + iu] = rr * HP[r + iu];
          }
        }
      }
      if (kind === 'GRU') {
        if (t > 0) gemmStrided(m, u, u, CS, ht, ldH, 1, V, 2 * u, Gu, 1, P, pt + 2 * u, ldP, true); // += (r ⊙ hp) · Vhh
        for (let im = 0; im < m; im++) {
          const p = im * ldP + pt;
          const r = im * ldH + ht;
          for (let iu = 0; iu < u; iu++) {
            const z = P[p + u + iu];
            const hh = (CT[r + iu] = P[p + 2 * u + iu] = Math.tanh(P[p + 2 * u + iu]));
            H[r + iu] = z * HP[r + iu] + (1 - z) * hh;
          }
        }
      }
    }
  }

  function backward(): void {
    dh.set(dA);
    dC.fill(0);
    for (let t = s - 1; t >= 0; t--) {
      const pt = t * Gu;
      const ht = t * u;
      for (let im = 0; im < m; im++) {
        const p = im * ldP + pt;
        const r = im * ldH + ht;
        const q = im * u;
        if (kind === 'RNN') {
          for (let iu = 0; iu < u; iu++) DG[p + iu] = dh[q + iu] * (1 - P[p + iu] * P[p + iu]);
        } else if (kind === 'LSTM') {
          for (let iu = 0; iu < u; iu++) {
            const f = P[p + iu], i = P[p + u + iu], g = P[p + 2 * u + iu], o = P[p + 3 * u + iu];
            const ct = CT[r + iu];
            const dhv = dh[q + iu];
            const dc = dhv * o * (1 - ct * ct) + dC[q + iu];
            DG[p + 3 * u + iu] = dhv * ct * o * (1 - o);
            DG[p + 2 * u + iu] = dc * i * (1 - g * g);
            DG[p + u + iu] = dc * g * i * (1 - i);
            DG[p + iu] = dc * CP[r + iu] * f * (1 - f);
            dC[q + iu] = dc * f;
          }
        } else {
          for (let iu = 0; iu < u; iu++) {
            const z = P[p + u + iu], hh = CT[r + iu];
            const dhv = dh[q + iu];
            DG[p + 2 * u + iu] = dhv * (1 - z) * (1 - hh * hh);
            DG[p + u + iu] = dhv * (HP[r + iu] - hh) * z * (1 - z);
          }
        }
      }
      if (kind === 'GRU') {
        gemmStrided(m, u, u, DG, pt + 2 * u, ldP, 1, V, 2 * u, 1, Gu, tmp, 0, u, false); // dhh_ · Vhhᵀ
        for (let im = 0; im < m; im++) {
          const p = im * ldP + pt;
          const r = im * ldH + ht;
          const q = im * u;
          for (let iu = 0; iu < u; iu++) {
            const rr = P[p + iu];
            DG[p + iu] = tmp[q + iu] * HP[r + iu] * rr * (1 - rr);
            dh[q + iu] = tmp[q + iu] * rr + dh[q + iu] * P[p + u + iu];
          }
        }
        gemmStrided(m, u, 2 * u, DG, pt, ldP, 1, V, 0, 1, Gu, dh, 0, u, true); // += [dr_, dz_] · Vrzᵀ
      } else {
        gemmStrided(m, u, Gu, DG, pt, ldP, 1, V, 0, 1, Gu, dh, 0, u, false); // dh = DG_t · Vᵀ
      }
    }
    gemmNT(ms, e, Gu, DG, U, dX); // dX = DG · Uᵀ
    gemmTN(e, Gu, ms, X, DG, dU); // dU = Xᵀ · DG
    if (kind === 'GRU') {
      gemmStrided(u, 2 * u, ms, HP, 0, 1, u, DG, 0, Gu, 1, dV, 0, Gu, false); // dVrz = HPᵀ · DG[:, :2u]
      gemmStrided(u, u, ms, CS, 0, 1, u, DG, 2 * u, Gu, 1, dV, 2 * u, Gu, false); // dVhh = (r⊙hp)ᵀ · DG[:, 2u:]
    } else {
      gemmTN(u, Gu, ms, HP, DG, dV); // dV = HPᵀ · DG
    }
    colSums(DG, ms, Gu, db);
  }

  return {
    flops: 6 * m * s * Gu * (e + u),
    step(): void {
      forward();
      backward();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The CNN training step from the tests' plain loops: Convolution(u, f×f, stride 1, relu) ->
// Pooling(2×2 max) -> Flatten -> Dense(k, softmax), CCE, SGD.

export function naiveTrainStep(m: number, size: number, u: number, f: number, k: number, lr = 0.01): { step(): void } {
  const X = new NDArray(randomArray(m * size * size, 31, 0.5).map(Math.abs), [m, size, size, 1]);
  const Y = new Float64Array(m * k);
  for (let i = 0; i < m; i++) Y[i * k + (i % k)] = 1;
  const W = new NDArray(randomArray(f * f * u, 32, 0.3), [f, f, 1, u]);
  const b = new NDArray(new Float64Array(u), [u]);
  const oh = size - f + 1;
  const ph = Math.floor(oh / 2);
  const n = ph * ph * u;
  const Wd = randomArray(n * k, 33, 0.05);
  const bd = new Float64Array(k);
  const conf = { fh: f, fw: f, sh: 1, sw: 1, p: 0 };
  return {
    step(): void {
      // Forward
      const Z = naiveForward(X, W, b, conf); // (m, oh, ow, u)
      const A = new NDArray(Z.data.map((v) => Math.max(0, v)), Z.shape);
      const P = naivePoolForward(A, [2, 2], [2, 2], 'max'); // (m, ph, pw, u) = (m, n)
      const Zd = new Float64Array(m * k);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < k; j++) {
          let z = bd[j];
          for (let l = 0; l < n; l++) z += P.data[i * n + l] * Wd[l * k + j];
          Zd[i * k + j] = z;
        }
      const Ad = new Float64Array(m * k);
      softmaxRows(Zd, m, k, Ad);
      // CCE: dL/dA = −Y / A (EpyNN's derivative), then the softmax Jacobian
      const dAd = new Float64Array(m * k);
      for (let i = 0; i < m * k; i++) dAd[i] = -Y[i] / Ad[i];
      const dZd = new Float64Array(m * k);
      softmaxBackward(Ad, dAd, m, k, dZd);
      // Dense backward and update
      const dP = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let l = 0; l < n; l++) {
          let sum = 0;
          for (let j = 0; j < k; j++) sum += dZd[i * k + j] * Wd[l * k + j];
          dP[i * n + l] = sum;
        }
      for (let l = 0; l < n; l++)
        for (let j = 0; j < k; j++) {
          let g = 0;
          for (let i = 0; i < m; i++) g += P.data[i * n + l] * dZd[i * k + j];
          Wd[l * k + j] -= lr * g;
        }
      for (let j = 0; j < k; j++) {
        let g = 0;
        for (let i = 0; i < m; i++) g += dZd[i * k + j];
        bd[j] -= lr * g;
      }
      // Pooling and relu backward
      const dA = naivePoolBackward(A, new NDArray(dP, P.shape), [2, 2], [2, 2], 'max');
      const dZ = new NDArray(dA.data.map((v, i) => (Z.data[i] > 0 ? v : 0)), Z.shape);
      // Convolution backward and update
      const g = naiveBackward(X, W, dZ, conf);
      for (let i = 0; i < W.data.length; i++) W.data[i] -= lr * g.dW.data[i];
      for (let i = 0; i < u; i++) b.data[i] -= lr * g.db.data[i];
    },
  };
}
