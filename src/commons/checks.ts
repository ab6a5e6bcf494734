// The one home of argument, option, shape, size and state checks, and of the one way a received value
// is printed in an error message. docs/ERRORS.md says which error class each failure gets.
import { EpyNNError, NonFiniteError, ShapeError, StateError } from '../errors.js';

// ---------------------------------------------------------------------------------------------
// Printing a received value

const MAX_ITEMS = 8;

/**
 * A received value as an error message shows it: numbers as JavaScript prints them (NaN, Infinity,
 * -0 as 0), strings quoted ('2'), arrays element by element ([2, '2'], long ones cut with … and the
 * length), an NDArray by its shape, functions by name, other objects by their class (an object,
 * a Map, a Float64Array(3)), null and undefined as such.
 */
export function show(v: unknown, depth = 0): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return String(v);
    case 'bigint':
      return `${v}n`;
    case 'boolean':
      return String(v);
    case 'string':
      return `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`.replace(/\n/g, '\\n');
    case 'symbol':
      return v.toString();
    case 'function':
      return v.name ? `function ${v.name}` : 'a function';
  }
  if (Array.isArray(v)) {
    if (depth > 1) return `an Array(${v.length})`;
    const items = v.slice(0, MAX_ITEMS).map((e) => show(e, depth + 1));
    if (v.length > MAX_ITEMS) items.push(`… ${v.length} items`);
    return `[${items.join(', ')}]`;
  }
  if (isNDArrayLike(v)) return `an NDArray of shape ${fmtShape(v.shape)}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}(${(v as unknown as ArrayLike<number>).length ?? v.byteLength})`;
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === null || proto === Object.prototype) return 'an object';
  const name = (v as object).constructor?.name;
  return name ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
}

/** A shape as NumPy prints it ((3, 4), (2,), ()), or as `show` prints it when it is not one. */
export function fmtShape(shape: unknown): string {
  if (Array.isArray(shape) && shape.every((s) => typeof s === 'number')) {
    return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  }
  return show(shape);
}

/** Duck-typed NDArray (checks.ts does not import ndarray.ts, which imports it). */
export function isNDArrayLike(v: unknown): v is { data: Float64Array; shape: number[] } {
  return (
    typeof v === 'object' && v !== null && (v as { data?: unknown }).data instanceof Float64Array &&
    Array.isArray((v as { shape?: unknown }).shape)
  );
}

// ---------------------------------------------------------------------------------------------
// Options objects

/** Keys that are never read from options, dictionaries or files: they reach the prototype chain. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws unless `key` is an ordinary key (not `__proto__`, `constructor`, `prototype`). */
export function checkKey(where: string, key: string, what = 'key'): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new EpyNNError(`${where}: the ${what} '${key}' is not allowed (it would reach the object's prototype)`);
  }
}

/** Edit distance (insertions, deletions, substitutions, adjacent transpositions), for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const squash = (k: string): string => k.replace(/_/g, '').toLowerCase();

/**
 * The known key `key` probably meant: the same name in another spelling (EpyNN's snake_case
 * `unit_filters` for `unitFilters`, `learningRate` for `learning_rate`, a different case), else the
 * nearest by edit distance when close enough; undefined when nothing is close.
 */
export function closestKey(key: string, known: readonly string[]): { key: string; spelling: boolean } | undefined {
  const s = squash(key);
  const same = known.find((k) => squash(k) === s);
  if (same !== undefined) return { key: same, spelling: true };
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  const limit = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  return best !== undefined && bestD <= limit ? { key: best, spelling: false } : undefined;
}

/** The message for an unknown key: what it probably meant, and the known keys. */
export function unknownKeyMessage(where: string, key: string, known: readonly string[], what = 'option'): string {
  const guess = closestKey(key, known);
  const hint =
    guess === undefined
      ? ''
      : guess.spelling
        ? ` — did you mean '${guess.key}'? (${key.includes('_') && !guess.key.includes('_') ? "options are camelCase here; EpyNN's snake_case names map to them" : 'spelled differently here'})`
        : ` — did you mean '${guess.key}'?`;
  return `${where}: unknown ${what} '${key}'${hint}. Known ${what}s: ${known.length ? known.join(', ') : '(none)'}`;
}

/** How to describe a correct call when a non-object is passed where an options object belongs. */
export interface CallShape {
  /** The call as the user writes it, e.g. 'new RNN' or 'model.train'. */
  call: string;
  /** The option a lone number or string most likely meant (e.g. 'unitCells' for new RNN(10)). */
  primary?: string;
  /** An example value for `primary` when the received value cannot serve as one. */
  example?: string;
  /** Arguments written before the options object, e.g. 'X, ' for model.predict(X, { ... }). */
  lead?: string;
}

/**
 * Validates an options object and returns a fresh copy holding only its own enumerable keys (so a
 * key inherited through a prototype is never read). `undefined` gives `{}`. Throws EpyNNError when
 * `options` is not a plain object (showing the correct call), or has a key not in `known` (naming it,
 * `where`, and the key it probably meant), or has `__proto__`/`constructor`/`prototype`.
 */
export function checkOptions<T extends object>(
  where: string, options: T | undefined, known: readonly string[], shape?: CallShape,
): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options) || isNDArrayLike(options) || ArrayBuffer.isView(options)) {
    const call = shape?.call ?? where;
    let example = '{ ... }';
    if (shape?.primary !== undefined) {
      const value = typeof options === 'number' || typeof options === 'string' || typeof options === 'boolean' ? show(options) : (shape.example ?? '...');
      example = `{ ${shape.primary}: ${value} }`;
    }
    throw new EpyNNError(`${where}: expected an options object, got ${show(options)}; write ${call}(${shape?.lead ?? ''}${example})`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    checkKey(where, key, 'option');
    if (!known.includes(key)) throw new EpyNNError(unknownKeyMessage(where, key, known));
    out[key] = (options as Record<string, unknown>)[key];
  }
  return out as T;
}

/**
 * The own enumerable entries of a dictionary read from the user or a file, with every key checked
 * against `__proto__`/`constructor`/`prototype` (and against `known` when given).
 */
export function checkDictionary(where: string, dict: unknown, what: string, known?: readonly string[]): [string, unknown][] {
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) {
    throw new EpyNNError(`${where}: ${what} must be an object, got ${show(dict)}`);
  }
  return Object.keys(dict).map((key) => {
    checkKey(where, key, `${what} key`);
    if (known !== undefined && !known.includes(key)) throw new EpyNNError(unknownKeyMessage(where, key, known, `${what} key`));
    return [key, (dict as Record<string, unknown>)[key]];
  });
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** Throws unless `v` is an integer >= `min` (default 1). NaN and ±Infinity get a NonFiniteError. */
export function checkInteger(where: string, name: string, v: unknown, min = 1): number {
  const kind = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
  if (typeof v === 'number' && !Number.isFinite(v)) throw new NonFiniteError(`${where}: ${name} must be ${kind}, got ${show(v)}`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new EpyNNError(`${where}: ${name} must be ${kind}, got ${show(v)}`);
  }
  return v;
}

/**
 * Throws unless `v` is a finite number (NonFiniteError for NaN/±Infinity, EpyNNError for a
 * non-number such as the string '0.1') within the optional bounds.
 */
export function checkNumber(
  where: string, name: string, v: unknown, { min, max, exclusiveMin = false }: { min?: number; max?: number; exclusiveMin?: boolean } = {},
): number {
  if (typeof v !== 'number') throw new EpyNNError(`${where}: ${name} must be a number, got ${show(v)}`);
  if (!Number.isFinite(v)) throw new NonFiniteError(`${where}: ${name} must be a finite number, got ${show(v)}`);
  if (min !== undefined && (exclusiveMin ? !(v > min) : !(v >= min))) {
    throw new EpyNNError(`${where}: ${name} must be ${exclusiveMin ? '>' : '>='} ${min}, got ${show(v)}`);
  }
  if (max !== undefined && !(v <= max)) throw new EpyNNError(`${where}: ${name} must be <= ${max}, got ${show(v)}`);
  return v;
}

/** Throws unless `v` is a boolean. */
export function checkBoolean(where: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new EpyNNError(`${where}: ${name} must be a boolean, got ${show(v)}`);
  return v;
}

/** Throws unless `v` is a function (`what` says which kind: 'an activation function'). */
export function checkFunction<F>(where: string, name: string, v: unknown, what = 'a function'): F {
  if (typeof v !== 'function') throw new EpyNNError(`${where}: ${name} must be ${what}, got ${show(v)}`);
  return v as F;
}

/** Throws unless `v` is one of `allowed`. */
export function checkOneOf<T extends string>(where: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    const guess = typeof v === 'string' ? closestKey(v, allowed) : undefined;
    throw new EpyNNError(
      `${where}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(v)}${guess ? ` — did you mean '${guess.key}'?` : ''}`,
    );
  }
  return v as T;
}

/** A positive integer or an [h, w] pair of them, as [h, w]. */
export function checkPair(where: string, name: string, v: unknown): [number, number] {
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;
  if (ok(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
  throw new EpyNNError(`${where}: ${name} must be a positive integer or [h, w] of positive integers, got ${show(v)}`);
}

// ---------------------------------------------------------------------------------------------
// Hyperparameters (EpyNN's se_hPars; keys keep EpyNN's spelling)

/** Schedules `schedule` may name (commons/schedule.ts). */
export const SCHEDULE_NAMES = ['steady', 'exp_decay', 'lin_decay'] as const;

/** Every key of seHPars; `epochs` and `cycle_number` are written by the learning-rate schedule. */
export const HPARS_KEYS = [
  'learning_rate', 'schedule', 'decay_k', 'cycle_epochs', 'cycle_descent',
  'ELU_alpha', 'LRELU_alpha', 'softmax_temperature', 'epochs', 'cycle_number',
] as const;

/**
 * Checks a (possibly partial) seHPars object: known keys only (EpyNN's spelling; `learningRate`
 * gets a did-you-mean 'learning_rate'), learning_rate a finite number > 0, alphas finite,
 * softmax_temperature finite and > 0, decay_k / cycle_descent finite and >= 0, cycle_epochs an
 * integer >= 0, schedule a known name. Returns a copy with only the own keys.
 */
export function checkHPars(where: string, hPars: unknown): Record<string, unknown> {
  const w = `${where}: seHPars`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of checkDictionary(where, hPars, 'seHPars', HPARS_KEYS)) {
    out[k] = v;
    if (v === undefined) continue;
    switch (k) {
      case 'learning_rate':
        checkNumber(w, k, v, { min: 0, exclusiveMin: true });
        break;
      case 'softmax_temperature':
        checkNumber(w, k, v, { min: 0, exclusiveMin: true });
        break;
      case 'ELU_alpha':
      case 'LRELU_alpha':
        checkNumber(w, k, v);
        break;
      case 'decay_k':
      case 'cycle_descent':
        checkNumber(w, k, v, { min: 0 });
        break;
      case 'cycle_epochs':
      case 'cycle_number':
      case 'epochs':
        checkInteger(w, k, v, 0);
        break;
      case 'schedule':
        checkOneOf(w, k, v, SCHEDULE_NAMES);
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Arrays: finiteness and sizes

/** Index of element `flat` in an array of `shape`, as `[i, j, k]`. */
export function multiIndex(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let a = shape.length - 1; a >= 0; a--) {
    const s = shape[a] || 1;
    idx.unshift(flat % s);
    flat = Math.floor(flat / s);
  }
  return `[${idx.join(', ')}]`;
}

/** Throws a NonFiniteError naming `what` and the index of its first NaN or ±Infinity. */
export function checkFinite(where: string, what: string, x: { data: ArrayLike<number>; shape: readonly number[] }): void {
  const a = x.data;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) {
      // v - v is NaN for NaN and ±Infinity, 0 otherwise
      throw new NonFiniteError(`${where}: ${what} must hold finite numbers, got ${show(v)} at ${what}${multiIndex(i, x.shape)}`);
    }
  }
}

/**
 * Most epochs one train() call runs: the model file's limit (MAX_EPOCHS of src/io/schema.ts), so a
 * trained model can always be written and read back; it also bounds the per-epoch learning rates.
 */
export const MAX_TRAIN_EPOCHS = 1_000_000;

/**
 * The input of a layer's forward called directly (not by a network or a replica, which set
 * reuseOutputs or forwardOnly and check their input once): NaN or ±Infinity is a NonFiniteError
 * naming the layer and the index (unless the layer's checkInput is false). A non-array is left to the
 * layer's own checks.
 */
export function checkLayerInput(layer: { name: string; reuseOutputs: boolean; forwardOnly: boolean; checkInput: boolean }, A: unknown): void {
  if (layer.reuseOutputs || layer.forwardOnly || !layer.checkInput) return;
  const x = A as { data?: unknown; shape?: unknown } | null;
  if (x === null || typeof x !== 'object' || !(x.data instanceof Float64Array) || !Array.isArray(x.shape)) return;
  checkFinite(`${layer.name}.forward`, 'A', x as { data: Float64Array; shape: number[] });
}

/**
 * Largest number of elements of one array: 2^31 − 8, so every element offset, also rounded up to a
 * multiple of 4 or 8 for the kernels' blocks ((M + 3) & ~3), fits the 32-bit integers the kernels use
 * (a Float64Array this size is 16 GiB, beyond what a process can allocate in practice).
 */
export const MAX_ELEMENTS = 2 ** 31 - 8;

/** Throws unless `shape` holds non-negative integers (ShapeError, printing the shape as received). */
export function checkShape(where: string, what: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${where}: ${what} must be an array of non-negative integers, got ${show(shape)}`);
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      throw new ShapeError(`${where}: ${what} must hold non-negative integers, got ${show(shape)}`);
    }
  }
  return shape as number[];
}

/** Number of elements of `shape`; throws a ShapeError naming `where` and `what` when over MAX_ELEMENTS. */
export function checkSize(where: string, what: string, shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  if (n > MAX_ELEMENTS) {
    throw new ShapeError(
      `${where}: ${what} of shape ${fmtShape([...shape])} would hold ${n.toExponential(3)} values, more than the ${MAX_ELEMENTS} an array may hold`,
    );
  }
  return n;
}

/** checkSize on every shape of a dictionary (a layer's `fs`). */
export function checkSizes(where: string, shapes: Record<string, readonly number[]>): void {
  for (const [k, s] of Object.entries(shapes)) checkSize(where, k, s);
}

/** A zero-filled Float64Array of `n` values; an allocation failure becomes a ShapeError naming `where`. */
export function allocFloat64(where: string, what: string, n: number): Float64Array {
  try {
    return new Float64Array(n);
  } catch (err) {
    throw new ShapeError(`${where}: cannot allocate ${what} of ${n} values (${(n * 8 / 2 ** 30).toFixed(2)} GiB): ${(err as Error).message}`, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------
// Layer state and parameters

/** What the state checks read from a layer (a structural type: checks.ts imports no layer). */
interface LayerState {
  name: string;
  p: Record<string, { shape: number[] } | undefined>;
  fs: Record<string, readonly number[] | undefined>;
}

/** Throws a StateError `<layer>: <method>() called before <needed>()` (one class and wording in every layer). */
export function stateError(layer: string, method: string, needed: string, detail = ''): StateError {
  return new StateError(`${layer}: ${method}() called before ${needed}()${detail ? ` (${detail})` : ''}`);
}

/** Throws unless computeShapes has set the shape of every parameter in `keys`. */
export function checkShapesKnown(layer: LayerState, method: string, keys: readonly string[]): void {
  for (const k of keys) if (layer.fs[k] === undefined) throw stateError(layer.name, method, 'computeShapes', `shape of ${k} unknown`);
}

/**
 * Before a pass that uses the parameters: each of `keys` is set (StateError otherwise) and has the
 * shape computeShapes put in `fs` (ShapeError otherwise). `explain(key, got, want)` may return a
 * more helpful message for a mismatch (e.g. which input dimension changed).
 */
export function checkParameters(
  layer: LayerState, method: string, keys: readonly string[],
  explain?: (key: string, got: readonly number[], want: readonly number[]) => string | undefined,
): void {
  for (const k of keys) {
    const want = layer.fs[k];
    if (want === undefined) throw stateError(layer.name, method, 'computeShapes', `shape of ${k} unknown`);
    const P = layer.p[k];
    if (P === undefined) throw stateError(layer.name, method, 'initializeParameters', `parameter ${k} is not set`);
    if (P.shape.length === want.length && P.shape.every((v, i) => v === want[i])) continue;
    throw new ShapeError(explain?.(k, P.shape, want) ?? `${layer.name}: ${method}: parameter ${k} has shape ${fmtShape(P.shape)}, expected ${fmtShape([...want])}`);
  }
}

/**
 * A custom activation's output must have its input's shape (derivative: the same, or a per-row
 * Jacobian (m, k, k) for (m, k) input when `jacobian` is allowed).
 */
export function checkActivationOutput(
  where: string, gate: string, Z: { shape: number[] }, out: unknown, deriv: boolean, jacobian = false,
): void {
  const got = isNDArrayLike(out) ? out.shape : undefined;
  const want = Z.shape;
  const same = got !== undefined && got.length === want.length && got.every((v, i) => v === want[i]);
  const jac = jacobian && deriv && got !== undefined && want.length === 2 && got.length === 3 &&
    got[0] === want[0] && got[1] === want[1] && got[2] === want[1];
  if (!same && !jac) {
    throw new ShapeError(
      `${where}: activation ${gate}${deriv ? ' (derivative)' : ''} returned ${got ? `shape ${fmtShape(got)}` : show(out)}, expected an NDArray of its input's shape ${fmtShape(want)}`,
    );
  }
}

/** At most this many threads (the `threads` option, setThreads, EPYNN_THREADS). */
export const MAX_THREADS = 64;

/** Throws unless `n` is a thread count: an integer from 1 to MAX_THREADS. */
export function checkThreadCount(where: string, n: unknown): number {
  checkInteger(where, 'threads', n);
  if ((n as number) > MAX_THREADS) throw new EpyNNError(`${where}: threads must be at most ${MAX_THREADS}, got ${show(n)}`);
  return n as number;
}
