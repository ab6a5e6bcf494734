// Plain reference implementations of the recurrent kernels, written step by step with the NDArray
// helpers (dot, transpose, element-wise maps) the way EpyNN writes them with NumPy. The layers'
// fast loops are compared against these (llm.c's matmul_forward_naive).
import type { Activation } from '../../src/activation/functions.js';
import { type NDArray, add, dot, mul, sumAxis0, transpose, zeros } from '../../src/commons/ndarray.js';
import { type HPars, defaultHPars } from '../../src/settings.js';
import { type NaiveResult, addRow, fullDA, hidden, put, step } from '../helpers/recurrent_naive.js';

/** RNN forward, backward and gradients, step by step (EpyNN rnn/*.py). */
export function naiveRNN(
  X: NDArray, p: Record<string, NDArray>, dAin: NDArray,
  { acts, sequences, hPars = defaultHPars() }: { acts: Record<string, Activation>; sequences: boolean; hPars?: HPars },
): NaiveResult {
  const [m, s, e] = X.shape;
  const u = p.U.shape[1];
  const f = (z: NDArray, d = false): NDArray => acts.activate(z, d, hPars);
  const fc = { h_: hidden(X, u), h: hidden(X, u), hp: hidden(X, u) };
  let h = zeros([m, u]);
  for (let is = 0; is < s; is++) {
    const Xs = step(X, is);
    const hp = h;
    put(fc.hp, is, hp);
    const h_ = addRow(add(dot(Xs, p.U), dot(hp, p.V)), p.b);
    put(fc.h_, is, h_);
    h = f(h_);
    put(fc.h, is, h);
  }
  const A = sequences ? fc.h : step(fc.h, s - 1);

  const dA = fullDA(dAin, sequences, m, s, u);
  const bc = { dh_: hidden(X, u), dh: hidden(X, u), dhn: hidden(X, u) };
  const dX = zeros([m, s, e]);
  let dh = zeros([m, u]);
  for (let is = s - 1; is >= 0; is--) {
    const dhn = dh;
    put(bc.dhn, is, dhn);
    const dh_ = mul(add(step(dA, is), dhn), f(step(fc.h_, is), true));
    put(bc.dh_, is, dh_);
    dh = dot(dh_, transpose(p.V));
    put(bc.dh, is, dh);
    put(dX, is, dot(dh_, transpose(p.U)));
  }

  const g = { dU: zeros(p.U.shape), dV: zeros(p.V.shape), db: zeros(p.b.shape) };
  for (let is = s - 1; is >= 0; is--) {
    const dh_ = step(bc.dh_, is);
    g.dU = add(g.dU, dot(transpose(step(X, is)), dh_));
    g.dV = add(g.dV, dot(transpose(step(fc.hp, is)), dh_));
    g.db = add(g.db, sumAxis0(dh_).reshape([1, u]));
  }
  return { A, dX, fc, bc, g };
}

