// The optimizer seam: every layer's update goes through one Optimizer. EpyNN updates with plain
// gradient descent, p -= lrate · g, written in each layer's update_parameters; here that loop is one
// optimizer among others (src/optimizers/index.ts) and the default, with the same bits.
//
// State layout: an optimizer that keeps per-parameter state (moments) keeps `slots` vectors per
// parameter array, in one flat Float64Array of slots × size beside the parameter (layer.s[key]):
// vector j of parameter W is s.W[j·size .. (j+1)·size). The model's state is these arrays in the order
// of the parameters (the shard slots' order of src/parallel), so it is one flat layout too.
import { EpyNNError } from '../errors.js';

/** What an optimizer's `update` gets for one parameter array. */
export interface UpdateArgs {
  /** The parameter values, updated in place. */
  p: Float64Array;
  /** Their gradient (summed over the batch), read only (clipping happens before). */
  g: Float64Array;
  /** The optimizer's state for this array: `slots` vectors of p.length values, zero at the start. */
  s: Float64Array;
  /** The step size: the layer's learning rate for the current epoch (EpyNN's schedule). */
  lr: number;
  /** How many updates this layer had before this one, plus one (1 at the first update). */
  step: number;
}

/**
 * An optimizer: how a layer's parameters move from their gradients. One object may serve every
 * layer (it holds no state of its own: the state lives in each layer's `s`, so it travels with the
 * layer into the model file and the snapshots of training).
 */
export interface Optimizer {
  /** Registered name (the model file's `optimizer.name`): 'epynn_sgd', 'sgd', 'adam', ... */
  readonly name: string;
  /** State vectors per parameter value (0 for plain SGD, 2 for Adam's moments). */
  readonly slots: number;
  /** True only for EpyNN's own update (p -= lrate · g), the one `compat: 'epynn'` accepts. */
  readonly epynn: boolean;
  /** The options it was made with, as plain JSON (`optimizers[name](config)` makes it again). */
  readonly config: Readonly<Record<string, number | boolean>>;
  /** Updates one parameter array in place. */
  update(args: UpdateArgs): void;
}

/** EpyNN's update, p[i] -= lrate · g[i]: no state, the port's default (the same bits as EpyNN's loop). */
export const epynnSGD: Optimizer = Object.freeze({
  name: 'epynn_sgd',
  slots: 0,
  epynn: true,
  config: Object.freeze({}),
  update({ p, g, lr }: UpdateArgs): void {
    for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
  },
});

/** Throws unless `opt` is an Optimizer (name, slots, epynn, config, update), naming `where` and `what`. */
export function checkOptimizer(where: string, what: string, opt: unknown): asserts opt is Optimizer {
  const o = opt as Partial<Optimizer> | null;
  const got = opt === null ? 'null' : typeof opt === 'object' ? ((opt as object).constructor?.name ?? 'an object') : typeof opt;
  if (o === null || typeof o !== 'object') {
    throw new EpyNNError(`${where}: ${what} must be an optimizer such as sgd() or adam() (src/optimizers), got ${got}`);
  }
  const problems: string[] = [];
  if (typeof o.name !== 'string' || o.name === '') problems.push('a name');
  if (typeof o.slots !== 'number' || !Number.isInteger(o.slots) || o.slots < 0) problems.push('slots (a non-negative integer)');
  if (typeof o.epynn !== 'boolean') problems.push('epynn (a boolean)');
  if (typeof o.update !== 'function') problems.push('update({ p, g, s, lr, step })');
  if (o.config === null || typeof o.config !== 'object') problems.push('config (an object)');
  if (problems.length > 0) throw new EpyNNError(`${where}: ${what} is not an optimizer: it lacks ${problems.join(', ')}`);
}
