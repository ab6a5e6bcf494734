// Plain step-by-step GRU with the NDArray helpers (EpyNN gru/*.py, NumPy style): the reference the
// fast kernels are compared with.
import type { Activation } from '../../src/activation/functions.js';
import { type NDArray, add, dot, mul, sub, sumAxis0, transpose, zeros } from '../../src/commons/ndarray.js';
import { type HPars, defaultHPars } from '../../src/settings.js';
import { type NaiveResult, addRow, fullDA, hidden, oneMinus, plus, put, step } from '../helpers/recurrent_naive.js';

export function naiveGRU(
  X: NDArray, p: Record<string, NDArray>, dAin: NDArray,
  { acts, sequences, hPars = defaultHPars() }: { acts: Record<string, Activation>; sequences: boolean; hPars?: HPars },
): NaiveResult {
  const [m, s, e] = X.shape;
  const u = p.Uz.shape[1];
  const act: Record<string, Activation> = { r: acts.activateReset, z: acts.activateUpdate, hh: acts.activate };
  const f = (k: string, x: NDArray, d = false): NDArray => act[k](x, d, hPars);
  const lin = (Xs: NDArray, H: NDArray, k: string): NDArray => addRow(add(dot(Xs, p[`U${k}`]), dot(H, p[`V${k}`])), p[`b${k}`]);
  const fc: Record<string, NDArray> = {};
  for (const k of ['h', 'hp', 'hh_', 'hh', 'z', 'z_', 'r', 'r_']) fc[k] = hidden(X, u);
  let h = zeros([m, u]);
  for (let is = 0; is < s; is++) {
    const Xs = step(X, is);
    const hp = h;
    put(fc.hp, is, hp);
    const r_ = lin(Xs, hp, 'r');
    const r = f('r', r_);
    const z_ = lin(Xs, hp, 'z');
    const z = f('z', z_);
    const hh_ = lin(Xs, mul(r, hp), 'hh');
    const hh = f('hh', hh_);
    h = add(mul(z, hp), mul(oneMinus(z), hh));
    for (const [k, v] of Object.entries({ r_, r, z_, z, hh_, hh, h })) put(fc[k], is, v);
  }
  const A = sequences ? fc.h : step(fc.h, s - 1);

  const dA = fullDA(dAin, sequences, m, s, u);
  const bc: Record<string, NDArray> = {};
  for (const k of ['dh_', 'dh', 'dhn', 'dhh_', 'dz_', 'dr_']) bc[k] = hidden(X, u);
  const dX = zeros([m, s, e]);
  let dh = zeros([m, u]);
  const at = (k: string, is: number): NDArray => step(fc[k], is);
  for (let is = s - 1; is >= 0; is--) {
    const dhn = dh;
    const dh_ = add(step(dA, is), dhn);
    const dhh_ = mul(mul(dh_, oneMinus(at('z', is))), f('hh', at('hh_', is), true));
    const dz_ = mul(mul(dh_, sub(at('hp', is), at('hh', is))), f('z', at('z_', is), true));
    const t = dot(dhh_, transpose(p.Vhh));
    const dr_ = mul(mul(t, at('hp', is)), f('r', at('r_', is), true));
    dh = plus(mul(t, at('r', is)), dot(dz_, transpose(p.Vz)), mul(dh_, at('z', is)), dot(dr_, transpose(p.Vr)));
    put(dX, is, plus(dot(dhh_, transpose(p.Uhh)), dot(dz_, transpose(p.Uz)), dot(dr_, transpose(p.Ur))));
    for (const [k, v] of Object.entries({ dhn, dh_, dhh_, dz_, dr_, dh })) put(bc[k], is, v);
  }

  const g: Record<string, NDArray> = {};
  for (const k of Object.keys(p)) g[`d${k}`] = zeros(p[k].shape);
  const acc = (k: string, v: NDArray): void => void (g[k] = add(g[k], v));
  for (let is = s - 1; is >= 0; is--) {
    const Xt = transpose(step(X, is));
    const hpT = transpose(at('hp', is));
    const dhh_ = step(bc.dhh_, is);
    const dz_ = step(bc.dz_, is);
    const dr_ = step(bc.dr_, is);
    acc('dUhh', dot(Xt, dhh_));
    acc('dVhh', dot(transpose(mul(at('r', is), at('hp', is))), dhh_));
    acc('dbhh', sumAxis0(dhh_).reshape([1, u]));
    acc('dUz', dot(Xt, dz_));
    acc('dVz', dot(hpT, dz_));
    acc('dbz', sumAxis0(dz_).reshape([1, u]));
    acc('dUr', dot(Xt, dr_));
    acc('dVr', dot(hpT, dr_));
    acc('dbr', sumAxis0(dr_).reshape([1, u]));
  }
  return { A, dX, fc, bc, g };
}
