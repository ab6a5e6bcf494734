// The optimizers beyond EpyNN's SGD, with torch.optim's semantics (PyTorch 1.13, the single-tensor
// code path): the same update equations in the same order of floating-point operations where it can be
// followed, checked against PyTorch trajectories (tests/optimizers, fixtures from
// tests/fixtures/torch/generate.py). Each optimizer's page: docs/OPTIMIZERS.md (equation numbers below).
//
// The step size `lr` is the layer's learning rate of the epoch (EpyNN's schedule: steady, exp_decay,
// lin_decay), where torch.optim takes the param group's lr. State: `slots` vectors per parameter value,
// zero at the start (layer.s, see optimizer.ts).
import { checkBoolean, checkNumber, checkOptions } from '../commons/checks.js';
import { EpyNNError } from '../errors.js';
import { type Optimizer, type UpdateArgs, checkOptimizer, epynnSGD } from '../commons/optimizer.js';
import { pow } from '../fdlibm.js';

export { type Optimizer, type UpdateArgs, epynnSGD, checkOptimizer } from '../commons/optimizer.js';

/** Options of `sgd()` (torch.optim.SGD without dampening). */
export interface SGDOptions {
  /** Momentum factor μ (0: none, then no state). @default 0 */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0). @default false */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (g + λ·p). @default 0 */
  weightDecay?: number;
}

/** Options of `adam()` and `adamw()` (torch.optim.Adam, AdamW). */
export interface AdamOptions {
  /** Decay of the first moment. @default 0.9 */
  beta1?: number;
  /** Decay of the second moment. @default 0.999 */
  beta2?: number;
  /** Added to the denominator. @default 1e-8 */
  epsilon?: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay p ← p·(1 − lr·λ). @default 0 (Adam), 0.01 (AdamW) */
  weightDecay?: number;
  /** AMSGrad: the running maximum of the second moment in the denominator. @default false */
  amsgrad?: boolean;
}

/** Options of `rmsprop()` (torch.optim.RMSprop). */
export interface RMSpropOptions {
  /** Smoothing constant of the squared-gradient average. @default 0.99 */
  alpha?: number;
  /** Added to the denominator. @default 1e-8 */
  epsilon?: number;
  /** L2 penalty added to the gradient. @default 0 */
  weightDecay?: number;
  /** Momentum factor. @default 0 */
  momentum?: number;
  /** Centered: the variance estimate (mean of g² minus the squared mean of g) in the denominator. @default false */
  centered?: boolean;
}

/** Options of `adagrad()` (torch.optim.Adagrad). */
export interface AdagradOptions {
  /** Step size decay: lr / (1 + (t − 1)·lrDecay). @default 0 */
  lrDecay?: number;
  /** L2 penalty added to the gradient. @default 0 */
  weightDecay?: number;
  /** Start value of the sum of squared gradients. @default 0 */
  initialAccumulatorValue?: number;
  /** Added to the denominator. @default 1e-10 */
  epsilon?: number;
}

const SGD_OPTIONS = ['momentum', 'nesterov', 'weightDecay'] as const;
const ADAM_OPTIONS = ['beta1', 'beta2', 'epsilon', 'weightDecay', 'amsgrad'] as const;
const RMSPROP_OPTIONS = ['alpha', 'epsilon', 'weightDecay', 'momentum', 'centered'] as const;
const ADAGRAD_OPTIONS = ['lrDecay', 'weightDecay', 'initialAccumulatorValue', 'epsilon'] as const;

/** A frozen Optimizer. */
function make(name: string, slots: number, config: Record<string, number | boolean>, update: (a: UpdateArgs) => void): Optimizer {
  return Object.freeze({ name, slots, epynn: false, config: Object.freeze({ ...config }), update });
}

/** Checks a number in [min, max) (or [min, max] with `closed`). */
function rate(where: string, name: string, v: unknown, min: number, max: number, closed = false): number {
  checkNumber(where, name, v, { min });
  if (closed ? !((v as number) <= max) : !((v as number) < max)) throw new EpyNNError(`${where}: ${name} must be ${closed ? '<=' : '<'} ${max}, got ${String(v)}`);
  return v as number;
}

/**
 * Stochastic gradient descent with momentum and weight decay (torch.optim.SGD, dampening 0):
 *
 *   (1) g ← g + λ·p                      (weightDecay λ)
 *   (2) b ← g at the first step, else μ·b + g   (momentum μ; state b)
 *   (3) g ← g + μ·b (nesterov), else g ← b
 *   (4) p ← p − lr·g
 *
 * Without momentum and weight decay this is EpyNN's update with the same bits, but it is not `epynnSGD`
 * (`compat: 'epynn'` takes only that one).
 */
export function sgd(options?: SGDOptions): Optimizer {
  const where = 'sgd';
  const opts = checkOptions(where, options, SGD_OPTIONS, { call: 'sgd', primary: 'momentum', example: '0.9' });
  const { momentum = 0, nesterov = false, weightDecay = 0 } = opts;
  rate(where, 'momentum', momentum, 0, 1);
  checkBoolean(where, 'nesterov', nesterov);
  checkNumber(where, 'weightDecay', weightDecay, { min: 0 });
  if (nesterov && momentum === 0) throw new EpyNNError(`${where}: nesterov needs a momentum > 0, got momentum ${momentum}`);
  const mu = momentum;
  const wd = weightDecay;
  return make('sgd', mu > 0 ? 1 : 0, { momentum, nesterov, weightDecay }, ({ p, g, s, lr, step }) => {
    const n = p.length;
    for (let i = 0; i < n; i++) {
      let d = g[i];
      if (wd !== 0) d = d + wd * p[i]; // (1)
      if (mu !== 0) {
        const b = (s[i] = step === 1 ? d : s[i] * mu + d); // (2)
        d = nesterov ? d + mu * b : b; // (3)
      }
      p[i] = p[i] + -lr * d; // (4) torch: p.add_(d, alpha=-lr)
    }
  });
}

/** Adam's and AdamW's step (they differ in the weight decay only). */
function adamUpdate(decoupled: boolean, b1: number, b2: number, eps: number, wd: number, amsgrad: boolean): (a: UpdateArgs) => void {
  return ({ p, g, s, lr, step }) => {
    const n = p.length;
    // state: m (first moment), v (second moment), vmax (AMSGrad)
    const bc1 = 1 - pow(b1, step); // (4)
    const bc2 = 1 - pow(b2, step);
    const stepSize = lr / bc1;
    const bc2Sqrt = Math.sqrt(bc2);
    const decay = 1 - lr * wd;
    for (let i = 0; i < n; i++) {
      let d = g[i];
      if (decoupled) {
        if (wd !== 0) p[i] = p[i] * decay; // (1w) AdamW: p ← p·(1 − lr·λ)
      } else if (wd !== 0) d = d + wd * p[i]; // (1) Adam: g ← g + λ·p
      const m = (s[i] = s[i] * b1 + (1 - b1) * d); // (2) m ← β1·m + (1 − β1)·g
      const v = (s[n + i] = s[n + i] * b2 + (1 - b2) * d * d); // (3) v ← β2·v + (1 − β2)·g²
      let denomV = v;
      if (amsgrad) denomV = s[2 * n + i] = Math.max(s[2 * n + i], v); // (3a) vmax ← max(vmax, v)
      const denom = Math.sqrt(denomV) / bc2Sqrt + eps; // (5) √v̂ + ε, v̂ = v / (1 − β2ᵗ)
      p[i] = p[i] + (-stepSize * m) / denom; // (6) p ← p − lr/(1 − β1ᵗ) · m / denom
    }
  };
}

function adamLike(where: 'adam' | 'adamw', options: AdamOptions | undefined): Optimizer {
  const opts = checkOptions(where, options, ADAM_OPTIONS, { call: where, primary: 'beta1', example: '0.9' });
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = where === 'adamw' ? 0.01 : 0, amsgrad = false } = opts;
  rate(where, 'beta1', beta1, 0, 1);
  rate(where, 'beta2', beta2, 0, 1);
  checkNumber(where, 'epsilon', epsilon, { min: 0 });
  checkNumber(where, 'weightDecay', weightDecay, { min: 0 });
  checkBoolean(where, 'amsgrad', amsgrad);
  return make(where, amsgrad ? 3 : 2, { beta1, beta2, epsilon, weightDecay, amsgrad }, adamUpdate(where === 'adamw', beta1, beta2, epsilon, weightDecay, amsgrad));
}

/**
 * Adam (torch.optim.Adam): moments of the gradient with bias correction.
 *
 *   (1) g ← g + λ·p                         (weightDecay λ, an L2 penalty)
 *   (2) m ← β1·m + (1 − β1)·g
 *   (3) v ← β2·v + (1 − β2)·g²              (3a, amsgrad) v̂max ← max(v̂max, v), used for v below
 *   (4) t counts the layer's updates (1 at the first)
 *   (5) denom ← √v / √(1 − β2ᵗ) + ε
 *   (6) p ← p − (lr / (1 − β1ᵗ)) · m / denom
 */
export function adam(options?: AdamOptions): Optimizer {
  return adamLike('adam', options);
}

/**
 * AdamW (torch.optim.AdamW): Adam with decoupled weight decay, (1w) p ← p·(1 − lr·λ) first, then
 * Adam's (2)–(6) on the plain gradient. weightDecay defaults to 0.01, as in PyTorch.
 */
export function adamw(options?: AdamOptions): Optimizer {
  return adamLike('adamw', options);
}

/**
 * RMSprop (torch.optim.RMSprop):
 *
 *   (1) g ← g + λ·p
 *   (2) a ← α·a + (1 − α)·g²
 *   (3) centered: ḡ ← α·ḡ + (1 − α)·g, avg ← √(a − ḡ²); else avg ← √a
 *   (4) avg ← avg + ε
 *   (5) momentum μ > 0: b ← μ·b + g / avg, p ← p − lr·b; else p ← p − lr·g / avg
 */
export function rmsprop(options?: RMSpropOptions): Optimizer {
  const where = 'rmsprop';
  const opts = checkOptions(where, options, RMSPROP_OPTIONS, { call: 'rmsprop', primary: 'alpha', example: '0.99' });
  const { alpha = 0.99, epsilon = 1e-8, weightDecay = 0, momentum = 0, centered = false } = opts;
  rate(where, 'alpha', alpha, 0, 1);
  checkNumber(where, 'epsilon', epsilon, { min: 0 });
  checkNumber(where, 'weightDecay', weightDecay, { min: 0 });
  rate(where, 'momentum', momentum, 0, 1);
  checkBoolean(where, 'centered', centered);
  // state: a (square average), then b (momentum buffer) if momentum, then ḡ (grad average) if centered
  const slots = 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0);
  const wd = weightDecay;
  return make('rmsprop', slots, { alpha, epsilon, weightDecay, momentum, centered }, ({ p, g, s, lr }) => {
    const n = p.length;
    const bOff = n;
    const gOff = momentum > 0 ? 2 * n : n;
    for (let i = 0; i < n; i++) {
      let d = g[i];
      if (wd !== 0) d = d + wd * p[i]; // (1)
      const a = (s[i] = s[i] * alpha + (1 - alpha) * d * d); // (2)
      let avg: number;
      if (centered) {
        const gm = (s[gOff + i] = s[gOff + i] * alpha + (1 - alpha) * d); // (3)
        avg = Math.sqrt(a + -1 * gm * gm);
      } else avg = Math.sqrt(a);
      avg = avg + epsilon; // (4)
      if (momentum > 0) {
        const b = (s[bOff + i] = s[bOff + i] * momentum + d / avg); // (5)
        p[i] = p[i] + -lr * b;
      } else p[i] = p[i] + (-lr * d) / avg;
    }
  });
}

/**
 * Adagrad (torch.optim.Adagrad):
 *
 *   (1) g ← g + λ·p
 *   (2) clr ← lr / (1 + (t − 1)·lrDecay)
 *   (3) S ← S + g²                          (S starts at initialAccumulatorValue)
 *   (4) p ← p − clr · g / (√S + ε)
 */
export function adagrad(options?: AdagradOptions): Optimizer {
  const where = 'adagrad';
  const opts = checkOptions(where, options, ADAGRAD_OPTIONS, { call: 'adagrad', primary: 'lrDecay', example: '0' });
  const { lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, epsilon = 1e-10 } = opts;
  checkNumber(where, 'lrDecay', lrDecay, { min: 0 });
  checkNumber(where, 'weightDecay', weightDecay, { min: 0 });
  checkNumber(where, 'initialAccumulatorValue', initialAccumulatorValue, { min: 0 });
  checkNumber(where, 'epsilon', epsilon, { min: 0 });
  const wd = weightDecay;
  return make('adagrad', 1, { lrDecay, weightDecay, initialAccumulatorValue, epsilon }, ({ p, g, s, lr, step }) => {
    const n = p.length;
    const clr = lr / (1 + (step - 1) * lrDecay); // (2)
    for (let i = 0; i < n; i++) {
      let d = g[i];
      if (wd !== 0) d = d + wd * p[i]; // (1)
      const S = (s[i] = (step === 1 ? initialAccumulatorValue : s[i]) + 1 * d * d); // (3)
      p[i] = p[i] + (-clr * d) / (Math.sqrt(S) + epsilon); // (4)
    }
  });
}

/** Makes an optimizer from its `config` (what the model file stores beside its name). */
export type OptimizerFactory = (config?: Record<string, unknown>) => Optimizer;

/** The library's optimizers by name, as the model file names them. */
export const OPTIMIZERS: Readonly<Record<string, OptimizerFactory>> = Object.freeze({
  epynn_sgd: () => epynnSGD,
  sgd: (c?: Record<string, unknown>) => sgd(c as SGDOptions),
  adam: (c?: Record<string, unknown>) => adam(c as AdamOptions),
  adamw: (c?: Record<string, unknown>) => adamw(c as AdamOptions),
  rmsprop: (c?: Record<string, unknown>) => rmsprop(c as RMSpropOptions),
  adagrad: (c?: Record<string, unknown>) => adagrad(c as AdagradOptions),
});

const registered = new Map<string, OptimizerFactory>(Object.entries(OPTIMIZERS));

/**
 * Registers an optimizer of your own under its `name`, so that models using it can be written, read
 * and copied to the worker threads (as registerLayer does for layers). The library's names are taken.
 */
export function registerOptimizer(name: string, factory: OptimizerFactory): void {
  if (typeof name !== 'string' || name === '') throw new EpyNNError(`registerOptimizer: name must be a non-empty string, got ${String(name)}`);
  if (Object.hasOwn(OPTIMIZERS, name)) throw new EpyNNError(`registerOptimizer: '${name}' is one of the library's optimizers`);
  if (typeof factory !== 'function') throw new EpyNNError(`registerOptimizer: factory must be a function (config) => Optimizer, got ${typeof factory}`);
  registered.set(name, factory);
}

/** The names of every known optimizer (the library's and the registered ones). */
export function optimizerNames(): string[] {
  return [...registered.keys()];
}

/** The optimizer `name` made with `config` (a model file's `{ name, config }`); an unknown name is an error. */
export function optimizerFromConfig(where: string, name: string, config: Record<string, unknown>): Optimizer {
  const f = registered.get(name);
  if (f === undefined) throw new EpyNNError(`${where}: unknown optimizer '${name}'; known: ${optimizerNames().join(', ')} (use registerOptimizer for your own)`);
  const opt = f({ ...config });
  checkOptimizer(where, `the optimizer '${name}'`, opt);
  if (opt.name !== name) throw new EpyNNError(`${where}: the factory of '${name}' made an optimizer named '${opt.name}'`);
  return opt;
}
