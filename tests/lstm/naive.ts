// Plain step-by-step LSTM with the NDArray helpers (EpyNN lstm/*.py, NumPy style): the reference the
// fast kernels are compared with.
import type { Activation } from '../../src/activation/functions.js';
import { type NDArray, add, dot, mul, sumAxis0, transpose, zeros } from '../../src/commons/ndarray.js';
import { type HPars, defaultHPars } from '../../src/settings.js';
import { type NaiveResult, addRow, fullDA, hidden, plus, put, step } from '../helpers/recurrent_naive.js';

const GATES = ['f', 'i', 'g', 'o'] as const;

export function naiveLSTM(
  X: NDArray, p: Record<string, NDArray>, dAin: NDArray,
  { acts, sequences, hPars = defaultHPars() }: { acts: Record<string, Activation>; sequences: boolean; hPars?: HPars },
): NaiveResult {
  const [m, s, e] = X.shape;
  const u = p.Uf.shape[1];
  const act: Record<string, Activation> = {
    f: acts.activateForget, i: acts.activateInput, g: acts.activateCandidate, o: acts.activateOutput, C: acts.activate,
  };
  const f = (k: string, z: NDArray, d = false): NDArray => act[k](z, d, hPars);
  const fc: Record<string, NDArray> = {};
  for (const k of ['h', 'hp', 'o_', 'o', 'i_', 'i', 'f_', 'f', 'g_', 'g', 'C_', 'Cp_', 'C']) fc[k] = hidden(X, u);
  let h = zeros([m, u]);
  let C_ = zeros([m, u]);
  for (let is = 0; is < s; is++) {
    const Xs = step(X, is);
    const hp = h;
    const Cp_ = C_;
    put(fc.hp, is, hp);
    put(fc.Cp_, is, Cp_);
    const gate: Record<string, NDArray> = {};
    for (const k of GATES) {
      const z = addRow(add(dot(Xs, p[`U${k}`]), dot(hp, p[`V${k}`])), p[`b${k}`]);
      put(fc[`${k}_`], is, z);
      gate[k] = f(k, z);
      put(fc[k], is, gate[k]);
    }
    C_ = add(mul(Cp_, gate.f), mul(gate.i, gate.g));
    put(fc.C_, is, C_);
    const C = f('C', C_);
    put(fc.C, is, C);
    h = mul(gate.o, C);
    put(fc.h, is, h);
  }
  const A = sequences ? fc.h : step(fc.h, s - 1);

  const dA = fullDA(dAin, sequences, m, s, u);
  const bc: Record<string, NDArray> = {};
  for (const k of ['dh_', 'dh', 'dhn', 'dC_', 'dC', 'dCn', 'do_', 'dg_', 'di_', 'df_']) bc[k] = hidden(X, u);
  const dX = zeros([m, s, e]);
  let dh = zeros([m, u]);
  let dC = zeros([m, u]);
  const at = (k: string, is: number): NDArray => step(fc[k], is);
  for (let is = s - 1; is >= 0; is--) {
    const dhn = dh;
    const dCn = dC;
    put(bc.dhn, is, dhn);
    put(bc.dCn, is, dCn);
    const dh_ = add(step(dA, is), dhn);
    const dC_ = add(mul(mul(dh_, at('o', is)), f('C', at('C_', is), true)), dCn);
    const d: Record<string, NDArray> = {
      o: mul(mul(dh_, at('C', is)), f('o', at('o_', is), true)),
      g: mul(mul(dC_, at('i', is)), f('g', at('g_', is), true)),
      i: mul(mul(dC_, at('g', is)), f('i', at('i_', is), true)),
      f: mul(mul(dC_, at('Cp_', is)), f('f', at('f_', is), true)),
    };
    dC = mul(dC_, at('f', is));
    dh = plus(...['o', 'g', 'i', 'f'].map((k) => dot(d[k], transpose(p[`V${k}`]))));
    put(dX, is, plus(...['g', 'o', 'i', 'f'].map((k) => dot(d[k], transpose(p[`U${k}`])))));
    put(bc.dh_, is, dh_);
    put(bc.dC_, is, dC_);
    for (const k of GATES) put(bc[`d${k}_`], is, d[k]);
    put(bc.dC, is, dC);
    put(bc.dh, is, dh);
  }

  const g: Record<string, NDArray> = {};
  for (const k of Object.keys(p)) g[`d${k}`] = zeros(p[k].shape);
  for (let is = s - 1; is >= 0; is--) {
    for (const k of ['o', 'g', 'i', 'f']) {
      const dk = step(bc[`d${k}_`], is);
      g[`dU${k}`] = add(g[`dU${k}`], dot(transpose(step(X, is)), dk));
      g[`dV${k}`] = add(g[`dV${k}`], dot(transpose(step(fc.hp, is)), dk));
      g[`db${k}`] = add(g[`db${k}`], sumAxis0(dk).reshape([1, u]));
    }
  }
  return { A, dX, fc, bc, g };
}
