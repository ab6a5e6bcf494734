// The layers' pages: EpyNN's numbered equations per layer and phase, and the TypeScript lines that implement
// each numbered step, found in the layer's source text by its step-number comments ("// (5.1) ...",
// "... // (1.1) dL/dW"), so the excerpt follows the code when lines move.
import type { Phase } from './stepper.js';

/** One numbered equation: EpyNN's label, the formula (Unicode), what it does. */
export interface Equation {
  n: string;
  eq: string;
  about: string;
}

/** A layer's equations for the forward pass, the backward pass and the gradients (EpyNN's numbering). */
export type LayerEquations = Partial<Record<'forward' | 'backward' | 'gradients' | 'update', Equation[]>>;

const UPDATE: Equation[] = [{ n: '', eq: 'p ← p − lrate[e] · g      for every parameter p and its gradient g = dp', about: 'EpyNN\'s gradient descent at the scheduled rate; another optimizer (Adam, …) moves p its own way (docs/OPTIMIZERS.md)' }];

export const EQUATIONS: Record<string, LayerEquations> = {
  Embedding: {
    forward: [{ n: '1', eq: 'X = batch features', about: 'initialize cache' }, { n: '2', eq: 'A = X', about: 'pass forward' }],
    backward: [{ n: '2', eq: 'dX = dA', about: 'pass backward (train() does not call it)' }],
  },
  Convolution: {
    forward: [
      { n: '1', eq: 'x[m,h,w,d] = a⁽ᵏ⁻¹⁾[m,h,w,d]', about: 'input X of layer k is the output of layer k−1' },
      { n: '2', eq: '__Xb = blocks(X)      (oh, ow, m, fh, fw, d)', about: 'slice X in windows of fh × fw, every sh, sw' },
      { n: '3', eq: '_Xb = moveaxis(__Xb)   (m, oh, ow, fh, fw, d)', about: 'bring m back to axis 0' },
      { n: '4', eq: 'Xb = expand_dims(_Xb)  (m, oh, ow, fh, fw, d, 1)', about: 'an axis for the filters u' },
      { n: '5.1', eq: 'Zb = Xb * W[fh,fw,d,u]', about: 'every window times every filter, element-wise' },
      { n: '5.2', eq: '_z[m,oh,ow,u] = Σ_fh Σ_fw Σ_d Zb[m,oh,ow,fh,fw,d,u]', about: 'sum over the window' },
      { n: '5.3', eq: 'z[m,oh,ow,u] = _z[m,oh,ow,u] + b[u]', about: 'add the bias' },
      { n: '6', eq: 'a[m,oh,ow,u] = a_act(z[m,oh,ow,u])', about: 'non-linear activation' },
    ],
    backward: [
      { n: '1', eq: 'δ[m,oh,ow,u] = ∂L/∂a[m,oh,ow,u]', about: 'dA from the next layer' },
      { n: '2', eq: '∂L/∂z = δ * a_act′(z)', about: 'dZ' },
      { n: '3', eq: '∂L/∂zb[m,oh,ow,1,1,1,u] = expand_dims(∂L/∂z)', about: 'restore the window axes' },
      { n: '4', eq: '∂L/∂X = 0   (m, h, w, d)', about: 'dX starts at zero' },
      { n: '5hw', eq: '∂L/∂Xb⟨oh,ow⟩[m,fh,fw,d,u] = ∂L/∂zb[m,oh,ow,1,1,1,u] * W[fh,fw,d,u]', about: 'for each output position' },
      { n: '6hw', eq: 'Δ ∂L/∂X⟨hs:he, ws:we⟩[m,fh,fw,d] = Σ_u ∂L/∂Xb⟨oh,ow⟩[m,fh,fw,d,u]', about: 'added into the window: windows overlap, hence +=' },
    ],
    gradients: [
      { n: '1.1', eq: '∂L/∂W[fh,fw,d,u] = Σ_ow Σ_oh Σ_m xb[m,oh,ow,fh,fw,d] * ∂L/∂zb[m,oh,ow,1,1,1,u]', about: 'dW' },
      { n: '1.2', eq: '∂L/∂b[u] = Σ_ow Σ_oh Σ_m ∂L/∂zb[m,oh,ow,1,1,1,u]', about: 'db' },
    ],
    update: UPDATE,
  },
  Dense: {
    forward: [
      { n: '1', eq: 'x[m,n] = a⁽ᵏ⁻¹⁾[m,n]', about: 'initialize cache' },
      { n: '2', eq: 'z[m,u] = Σ_n x[m,n] · W[n,u] + b[u]', about: 'linear activation: row of X · column of W' },
      { n: '3', eq: 'a[m,u] = a_act(z[m,u])', about: 'non-linear activation' },
    ],
    backward: [
      { n: '1', eq: 'δ[m,u] = ∂L/∂a[m,u]', about: 'dA from the next layer' },
      { n: '2', eq: '∂L/∂z[m,u] = δ[m,u] * a_act′(z[m,u])', about: 'dZ' },
      { n: '3', eq: '∂L/∂x[m,n] = Σ_u ∂L/∂z[m,u] · W[n,u]', about: 'dX = dZ · Wᵀ' },
    ],
    gradients: [
      { n: '1.1', eq: '∂L/∂W[n,u] = Σ_m x[m,n] · ∂L/∂z[m,u]', about: 'dW = Xᵀ · dZ' },
      { n: '1.2', eq: '∂L/∂b[u] = Σ_m ∂L/∂z[m,u]', about: 'db' },
    ],
    update: UPDATE,
  },
  Pooling: {
    forward: [
      { n: '1', eq: 'x[m,h,w,d] = a⁽ᵏ⁻¹⁾[m,h,w,d]', about: 'initialize cache' },
      { n: '2', eq: 'Xb = blocks(X)   windows of ph × pw every sh, sw', about: 'slice' },
      { n: '3', eq: 'Xb = moveaxis(Xb)   (m, oh, ow, ph, pw, d)', about: 'bring m back to axis 0' },
      { n: '4', eq: 'z[m,oh,ow,d] = pool_{ph,pw} Xb[m,oh,ow,ph,pw,d]      A = Z', about: 'max, min or mean of each window' },
    ],
    backward: [
      { n: '1', eq: 'δ = ∂L/∂a', about: 'dA from the next layer' },
      { n: '4hw–6hw', eq: 'mask = (Xb⟨oh,ow⟩ == z[m,oh,ow,d])', about: 'the selected element(s) of each window' },
      { n: '7hw–9hw', eq: 'Δ ∂L/∂X⟨window⟩ += mask * δ[m,oh,ow,d]   (mean: δ / (ph·pw) to every element)', about: 'the gradient goes to the selected element' },
    ],
  },
  Flatten: {
    forward: [{ n: '1', eq: 'X = A⁽ᵏ⁻¹⁾', about: 'initialize cache' }, { n: '2', eq: 'A = reshape(X, (m, n))', about: 'reshape' }],
    backward: [{ n: '1', eq: 'dA = δ', about: 'initialize cache' }, { n: '2', eq: 'dX = reshape(dA, shape of X)', about: 'reverse reshape' }],
  },
  Dropout: {
    forward: [
      { n: '1', eq: 'X = A⁽ᵏ⁻¹⁾', about: 'initialize cache' },
      { n: '2–3', eq: 'D = (U > drop_prob),  U uniform in [0, 1)', about: 'the dropout mask' },
      { n: '4–5', eq: 'A = X * D / (1 − drop_prob)', about: 'drop and scale up' },
    ],
    backward: [{ n: '2–3', eq: 'dX = dA * D / (1 − drop_prob)', about: 'the same mask' }],
  },
  RNN: {
    forward: [
      { n: '1', eq: 'h = 0   (m, s, u)', about: 'initialize cache and hidden state' },
      { n: '2s', eq: 'x = X[:, s]', about: 'the step s' },
      { n: '3s', eq: 'hp = h[:, s−1]', about: 'previous hidden state' },
      { n: '4.1s', eq: 'h_[:, s] = x · U + hp · V + b', about: 'linear' },
      { n: '4.2s', eq: 'h[:, s] = a_act(h_[:, s])', about: 'non-linear' },
    ],
    backward: [
      { n: '3s', eq: 'dhn = dh[:, s+1]', about: 'from the next step' },
      { n: '4s', eq: 'dh_ = (dA[:, s] + dhn) * a_act′(h_)', about: 'through the activation' },
      { n: '5s', eq: 'dh[:, s] = dh_ · Vᵀ', about: 'to the previous step' },
      { n: '6s', eq: 'dX[:, s] = dh_ · Uᵀ', about: 'to the input' },
    ],
    gradients: [
      { n: '1.1', eq: 'dU = Σ_s x[:, s]ᵀ · dh_[:, s]', about: '' },
      { n: '1.2', eq: 'dV = Σ_s hp[:, s]ᵀ · dh_[:, s]', about: '' },
      { n: '1.3', eq: 'db = Σ_s Σ_m dh_[:, s]', about: '' },
    ],
    update: UPDATE,
  },
  LSTM: {
    forward: [
      { n: '1', eq: 'h = C = 0   (m, s, u)', about: 'initialize cache, hidden and memory states' },
      { n: '3s', eq: 'hp = h[:, s−1],  Cp_ = C_[:, s−1]', about: 'previous states' },
      { n: '4s', eq: 'f = σ(x · Uf + hp · Vf + bf)', about: 'forget gate' },
      { n: '5s', eq: 'i = σ(x · Ui + hp · Vi + bi)', about: 'input gate' },
      { n: '6s', eq: 'g = tanh(x · Ug + hp · Vg + bg)', about: 'candidate' },
      { n: '7s', eq: 'o = σ(x · Uo + hp · Vo + bo)', about: 'output gate' },
      { n: '8s', eq: 'C_ = Cp_ * f + i * g,   C = tanh(C_)', about: 'memory state' },
      { n: '9s', eq: 'h = o * C', about: 'hidden state' },
    ],
    backward: [
      { n: '4s', eq: 'dh_ = dA[:, s] + dhn', about: 'hidden state gradient' },
      { n: '5s', eq: 'dC_ = dh_ * o * tanh′(C_) + dCn', about: 'memory state' },
      { n: '6s–9s', eq: 'do_ = dh_ * C * σ′,  dg_ = dC_ * i * tanh′,  di_ = dC_ * g * σ′,  df_ = dC_ * Cp_ * σ′', about: 'gates' },
      { n: '10s–12s', eq: 'dC = dC_ * f,  dh = Σ_gates d·_ · V·ᵀ,  dX = Σ_gates d·_ · U·ᵀ', about: 'to the previous step and the input' },
    ],
    gradients: [{ n: '1–4', eq: 'dU· = Σ_s xᵀ · d·_,  dV· = Σ_s hpᵀ · d·_,  db· = Σ d·_   for o, g, i, f', about: '' }],
    update: UPDATE,
  },
  GRU: {
    forward: [
      { n: '1', eq: 'h = 0   (m, s, u)', about: 'initialize cache and hidden state' },
      { n: '3s', eq: 'hp = h[:, s−1]', about: 'previous hidden state' },
      { n: '4s', eq: 'r = σ(x · Ur + hp · Vr + br)', about: 'reset gate' },
      { n: '5s', eq: 'z = σ(x · Uz + hp · Vz + bz)', about: 'update gate' },
      { n: '6s', eq: 'hh = tanh(x · Uhh + (r * hp) · Vhh + bhh)', about: 'hidden hat' },
      { n: '7s', eq: 'h = z * hp + (1 − z) * hh', about: 'hidden state' },
    ],
    backward: [
      { n: '4s', eq: 'dh_ = dA[:, s] + dhn', about: '' },
      { n: '5s', eq: 'dhh_ = dh_ * (1 − z) * tanh′(hh_)', about: 'hidden hat' },
      { n: '6s', eq: 'dz_ = dh_ * (hp − hh) * σ′(z_)', about: 'update gate' },
      { n: '7s', eq: 'dr_ = (dhh_ · Vhhᵀ) * hp * σ′(r_)', about: 'reset gate' },
      { n: '8s–9s', eq: 'dh = dh_ * z + (dhh_ · Vhhᵀ) * r + dz_ · Vzᵀ + dr_ · Vrᵀ,   dX = Σ_gates d·_ · U·ᵀ', about: '' },
    ],
    gradients: [{ n: '1–3', eq: 'dU· = Σ_s xᵀ · d·_,  dV· = Σ_s hpᵀ · d·_,  db· = Σ d·_   for hh, z, r', about: '' }],
    update: UPDATE,
  },
};

/** Which equation list a stepper phase shows (the loss has its own). */
export const phaseEquations = (layer: string, phase: Phase): Equation[] =>
  phase === 'loss' ? [] : (EQUATIONS[layer]?.[phase] ?? []);

/** A numbered step's lines in a source file. */
export interface CodeExcerpt {
  /** The step label as in the comment: '5.1', '6hw', '4.1s'. */
  label: string;
  file: string;
  /** 1-based line number of the first line. */
  line: number;
  lines: string[];
}

const STEP = /\/\/\s*\(([0-9]+(?:\.[0-9]+)?(?:hw|s)?)\)/g;

/**
 * The numbered steps of a source text: every `// (label)` comment. A comment on a line of its own starts
 * a block that runs to the next blank line or numbered comment (at most `max` lines); a comment after
 * code is that line alone. A label found several times gives several excerpts.
 */
export function codeSteps(file: string, text: string, max = 8): CodeExcerpt[] {
  const lines = text.split('\n');
  const out: CodeExcerpt[] = [];
  const isStepComment = (l: string): boolean => /^\s*\/\/\s*\([0-9]/.test(l);
  lines.forEach((l, i) => {
    const labels = [...l.matchAll(STEP)].map((m) => m[1]);
    if (labels.length === 0) return;
    let block: string[];
    if (isStepComment(l)) {
      block = [l];
      for (let j = i + 1; j < lines.length && block.length < max; j++) {
        if (lines[j].trim() === '' || isStepComment(lines[j])) break;
        block.push(lines[j]);
      }
    } else block = [l];
    for (const label of labels) out.push({ label, file, line: i + 1, lines: block });
  });
  return out;
}

/** The excerpts of one equation number ('6hw', '1.1'; a range like '4hw–6hw' takes each label in it). */
export function excerptsFor(steps: CodeExcerpt[], n: string): CodeExcerpt[] {
  if (n === '') return [];
  const parts = n.split('–');
  if (parts.length === 2) {
    const num = (s: string): number => parseFloat(s);
    const suffix = parts[1].replace(/^[0-9.]+/, '');
    const [lo, hi] = [num(parts[0]), num(parts[1])];
    const seen = new Set<string>();
    return steps.filter((s) => {
      const v = num(s.label);
      const key = `${s.file}:${s.line}`;
      if (!(v >= lo && v <= hi) || s.label.replace(/^[0-9.]+/, '') !== suffix || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  // '8s' also matches the sub-steps '8.1s', '8.2s'; '5.1' only itself
  const base = n.replace(/[a-z]+$/, '');
  const suffix = n.slice(base.length);
  return steps.filter((s) => s.label === n || (!base.includes('.') && s.label.startsWith(`${base}.`) && s.label.endsWith(suffix) && /^[0-9]+\.[0-9]+/.test(s.label) && s.label.replace(/^[0-9.]+/, '') === suffix));
}
