// The schema of a model file (docs/FORMAT.md), checked field by field before anything is built:
// types, ranges, key sets, array shapes, no prototype keys. Every failure is a ModelFileError that
// names the field (`layers[2].d.ph`) and the value found. Browser-safe: no fs.
import { MAX_ELEMENTS as CHECKS_MAX_ELEMENTS, show } from '../commons/checks.js';
import { ModelFileError } from '../errors.js';
import { lossFunctions } from '../commons/loss.js';
import { metricsFunctions } from '../commons/metrics.js';
import { scheduleNames } from '../commons/schedule.js';

/** Keys refused anywhere in a model document: they would reach an object's prototype. */
export const UNSAFE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
/** Deepest nesting of objects and arrays in a valid document (a model file nests about 6 deep). */
export const MAX_DEPTH = 32;
/** Most values (numbers, strings, objects...) in one document. */
export const MAX_VALUES = 50_000_000;
/** Largest `epochsDone`, `epochs` and history length accepted (the schedule allocates per epoch). */
export const MAX_EPOCHS = 1_000_000;
/** Most layers in a model. */
export const MAX_LAYERS = 10_000;
/** Most dimensions of an array shape. */
export const MAX_RANK = 8;
/** Largest number of elements of one array shape: the library's one limit (commons/checks.ts). */
export const MAX_ELEMENTS = CHECKS_MAX_ELEMENTS;

/** A received value for a message: `show` (commons/checks.ts), the one way values are printed; a missing field says so. */
export function shown(v: unknown): string {
  return v === undefined ? 'nothing (missing)' : show(v);
}

/** Throws the ModelFileError for field `path`. */
export function fail(where: string, path: string, message: string): never {
  throw new ModelFileError(`${where}: ${path}: ${message}`);
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Walks the whole document once: refuses `__proto__`/`constructor`/`prototype` keys, nesting deeper
 * than MAX_DEPTH (so also cycles) and anything JSON cannot hold (functions, class instances...).
 * Iterative: no stack overflow.
 */
export function checkTree(doc: unknown, where: string): void {
  const stack: [unknown, string, number][] = [[doc, '(document)', 0]];
  let visits = 0;
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (++visits > MAX_VALUES) fail(where, path, `more than ${MAX_VALUES} values in the document`);
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') continue;
    if (typeof v !== 'object') fail(where, path, `${shown(v)} is not a JSON value`);
    if (depth >= MAX_DEPTH) fail(where, path, `nested deeper than ${MAX_DEPTH} levels (or a cycle)`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, depth + 1]);
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) fail(where, path, 'expected a plain object');
      for (const k of Object.keys(v)) {
        if (UNSAFE_KEYS.includes(k)) fail(where, `${path}.${k}`, `the key "${k}" is not allowed in a model file`);
        stack.push([(v as Record<string, unknown>)[k], path === '(document)' ? k : `${path}.${k}`, depth + 1]);
      }
      if (Object.getOwnPropertySymbols(v).length > 0) fail(where, path, 'symbol keys are not allowed');
    }
  }
}

/** `v` must be a plain object with every `required` key and no key outside `required` + `optional`. */
export function checkObject(v: unknown, where: string, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (!isObject(v)) fail(where, path, `expected an object, got ${shown(v)}`);
  for (const k of required) if (!Object.hasOwn(v, k)) fail(where, `${path}.${k}`, 'missing');
  for (const k of Object.keys(v)) {
    if (!required.includes(k) && !optional.includes(k)) {
      fail(where, `${path}.${k}`, `unknown field (known: ${[...required, ...optional].join(', ')})`);
    }
  }
  return v;
}

interface NumberRule {
  int?: boolean;
  min?: number;
  max?: number;
  /** Exclusive minimum. */
  above?: number;
}

/** `v` must be a finite number (an integer with `int`) within the bounds. */
export function checkNumber(v: unknown, where: string, path: string, rule: NumberRule = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(where, path, `expected a finite number, got ${shown(v)}`);
  if (rule.int && !Number.isSafeInteger(v)) fail(where, path, `expected an integer, got ${shown(v)}`);
  if (rule.min !== undefined && v < rule.min) fail(where, path, `must be >= ${rule.min}, got ${v}`);
  if (rule.max !== undefined && v > rule.max) fail(where, path, `must be <= ${rule.max}, got ${v}`);
  if (rule.above !== undefined && !(v > rule.above)) fail(where, path, `must be > ${rule.above}, got ${v}`);
  return v;
}

/** A number as written by encodeNumber: a number, or "NaN" / "Infinity" / "-Infinity". */
export function checkNumberJSON(v: unknown, where: string, path: string): void {
  if (typeof v === 'number' && Number.isFinite(v)) return;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return;
  fail(where, path, `expected a number (or "NaN", "Infinity", "-Infinity"), got ${shown(v)}`);
}

export function checkString(v: unknown, where: string, path: string, maxLength = 10_000): string {
  if (typeof v !== 'string') fail(where, path, `expected a string, got ${shown(v)}`);
  if (v.length > maxLength) fail(where, path, `longer than ${maxLength} characters`);
  return v;
}

export function checkBoolean(v: unknown, where: string, path: string): boolean {
  if (typeof v !== 'boolean') fail(where, path, `expected true or false, got ${shown(v)}`);
  return v;
}

/** An array shape: at most MAX_RANK non-negative integers whose product is at most MAX_ELEMENTS. */
export function checkShape(v: unknown, where: string, path: string, { positive = false } = {}): number[] {
  if (!Array.isArray(v)) fail(where, path, `expected a shape (array of integers), got ${shown(v)}`);
  if (v.length > MAX_RANK) fail(where, path, `a shape of ${v.length} dimensions (at most ${MAX_RANK})`);
  let n = 1;
  v.forEach((s, i) => {
    checkNumber(s, where, `${path}[${i}]`, { int: true, min: positive ? 1 : 0 });
    n *= s as number;
  });
  if (n > MAX_ELEMENTS) fail(where, path, `shape of ${n} elements (at most ${MAX_ELEMENTS})`);
  return v as number[];
}

/** An array as written by encodeArray (its bytes and checksum are checked when decoded). */
export function checkArrayJSON(v: unknown, where: string, path: string): void {
  const a = checkObject(v, where, path, ['shape', 'dtype', 'data', 'crc32']);
  checkShape(a.shape, where, `${path}.shape`);
  if (a.dtype !== 'float64le') fail(where, `${path}.dtype`, `expected "float64le", got ${shown(a.dtype)}`);
  if (typeof a.data !== 'string') fail(where, `${path}.data`, `expected a base64 string, got ${shown(a.data)}`);
  if (typeof a.crc32 !== 'string' || !/^[0-9a-f]{8}$/.test(a.crc32)) fail(where, `${path}.crc32`, `expected 8 lowercase hex digits, got ${shown(a.crc32)}`);
}

/** A record whose every value passes `check`. */
export function checkRecord(v: unknown, where: string, path: string, check: (x: unknown, p: string) => void): Record<string, unknown> {
  if (!isObject(v)) fail(where, path, `expected an object, got ${shown(v)}`);
  for (const [k, x] of Object.entries(v)) check(x, `${path}.${k}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Pieces of the model document

const HPARS_REQUIRED = ['learning_rate', 'schedule', 'decay_k', 'cycle_epochs', 'cycle_descent', 'ELU_alpha', 'LRELU_alpha', 'softmax_temperature'];
const HPARS_OPTIONAL = ['epochs', 'cycle_number'];

/** Hyperparameters: EpyNN's keys, finite values in range, a known schedule. */
export function checkHPars(v: unknown, where: string, path: string): void {
  const h = checkObject(v, where, path, HPARS_REQUIRED, HPARS_OPTIONAL);
  checkNumber(h.learning_rate, where, `${path}.learning_rate`, { min: 0 });
  if (typeof h.schedule !== 'string' || !scheduleNames().includes(h.schedule)) {
    fail(where, `${path}.schedule`, `expected one of ${scheduleNames().join(', ')}, got ${shown(h.schedule)}`);
  }
  checkNumber(h.decay_k, where, `${path}.decay_k`, { min: 0 });
  checkNumber(h.cycle_epochs, where, `${path}.cycle_epochs`, { int: true, min: 0, max: MAX_EPOCHS });
  checkNumber(h.cycle_descent, where, `${path}.cycle_descent`, { min: 0, max: 1 });
  checkNumber(h.ELU_alpha, where, `${path}.ELU_alpha`);
  checkNumber(h.LRELU_alpha, where, `${path}.LRELU_alpha`);
  checkNumber(h.softmax_temperature, where, `${path}.softmax_temperature`, { above: 0 });
  if (h.epochs !== undefined) checkNumber(h.epochs, where, `${path}.epochs`, { int: true, min: 0, max: MAX_EPOCHS });
  if (h.cycle_number !== undefined) checkNumber(h.cycle_number, where, `${path}.cycle_number`, { int: true, min: 0, max: MAX_EPOCHS });
}

/**
 * A random generator state: the default generator's (seededRng: Alea's three fractions in [0, 1),
 * its carry, the cached normal) or NumPy's PCG64 (numpyRng, compat: 'epynn': 128-bit state and odd
 * increment as decimal strings, the cached 32-bit half) or NumPy's legacy MT19937 (RandomState: 624 key
 * words, pos, the cached normal).
 */
export function checkRngState(v: unknown, where: string, path: string): void {
  if (isObject(v) && v.bit_generator === 'MT19937') {
    // NumPy's legacy RandomState (get_state(legacy=False)): 624 uint32 key words, pos, the cached normal
    const r = checkObject(v, where, path, ['bit_generator', 'state', 'has_gauss', 'gauss']);
    const st = checkObject(r.state, where, `${path}.state`, ['key', 'pos']);
    if (!Array.isArray(st.key) || st.key.length !== 624) fail(where, `${path}.state.key`, `expected 624 uint32 integers, got ${shown(st.key)}`);
    (st.key as unknown[]).forEach((w, i) => checkNumber(w, where, `${path}.state.key[${i}]`, { int: true, min: 0, max: 2 ** 32 - 1 }));
    checkNumber(st.pos, where, `${path}.state.pos`, { int: true, min: 0, max: 624 });
    if (r.has_gauss !== 0 && r.has_gauss !== 1) fail(where, `${path}.has_gauss`, `expected 0 or 1, got ${shown(r.has_gauss)}`);
    checkNumber(r.gauss, where, `${path}.gauss`);
    return;
  }
  if (isObject(v) && Object.hasOwn(v, 'bit_generator')) {
    const r = checkObject(v, where, path, ['bit_generator', 'state', 'has_uint32', 'uinteger']);
    if (r.bit_generator !== 'PCG64') fail(where, `${path}.bit_generator`, `expected "PCG64" or "MT19937", got ${shown(r.bit_generator)}`);
    const st = checkObject(r.state, where, `${path}.state`, ['state', 'inc']);
    for (const k of ['state', 'inc']) {
      const x = st[k];
      if (typeof x !== 'string' || !/^\d{1,39}$/.test(x) || BigInt(x) >= 1n << 128n) fail(where, `${path}.state.${k}`, `expected a decimal string of a 128-bit integer, got ${shown(x)}`);
    }
    if ((BigInt(st.inc as string) & 1n) === 0n) fail(where, `${path}.state.inc`, 'must be odd');
    if (r.has_uint32 !== 0 && r.has_uint32 !== 1) fail(where, `${path}.has_uint32`, `expected 0 or 1, got ${shown(r.has_uint32)}`);
    checkNumber(r.uinteger, where, `${path}.uinteger`, { int: true, min: 0, max: 2 ** 32 - 1 });
    return;
  }
  const r = checkObject(v, where, path, ['alea', 'spare']);
  const a = checkObject(r.alea, where, `${path}.alea`, ['c', 's0', 's1', 's2']);
  checkNumber(a.c, where, `${path}.alea.c`, { int: true, min: 0, max: 2 ** 32 });
  for (const k of ['s0', 's1', 's2']) {
    const s = checkNumber(a[k], where, `${path}.alea.${k}`, { min: 0 });
    if (!(s < 1)) fail(where, `${path}.alea.${k}`, `must be < 1, got ${s}`);
  }
  if (r.spare !== null) checkNumber(r.spare, where, `${path}.spare`);
}

/** The `model` section. */
function checkModelSection(v: unknown, where: string): Record<string, unknown> {
  const path = 'model';
  const m = checkObject(v, where, path, ['name', 'uname', 'ts', 'loss', 'seed', 'initialized', 'e', 'epochs', 'epochsDone', 'seHPars', 'metrics'], ['compat', 'optimizer', 'clipNorm', 'clipValue', 'lrScale', 'lrFloor']);
  if (m.lrScale !== undefined) checkNumber(m.lrScale, where, `${path}.lrScale`, { above: 0, max: 1 });
  if (m.lrFloor !== undefined) checkNumber(m.lrFloor, where, `${path}.lrFloor`, { min: 0 });
  if (m.optimizer !== undefined) checkOptimizerJSON(m.optimizer, where, `${path}.optimizer`);
  for (const k of ['clipNorm', 'clipValue']) if (m[k] !== undefined && m[k] !== null) checkNumber(m[k], where, `${path}.${k}`, { above: 0 });
  if (m.compat !== undefined && m.compat !== null && m.compat !== 'epynn') fail(where, `${path}.compat`, `expected "epynn" or null, got ${shown(m.compat)}`);
  checkString(m.name, where, `${path}.name`);
  checkString(m.uname, where, `${path}.uname`);
  checkNumber(m.ts, where, `${path}.ts`, { min: 0 });
  const losses = Object.keys(lossFunctions());
  if (typeof m.loss !== 'string' || !losses.includes(m.loss)) fail(where, `${path}.loss`, `expected one of ${losses.join(', ')}, got ${shown(m.loss)}`);
  if (m.seed !== null) checkNumber(m.seed, where, `${path}.seed`, { int: true });
  checkBoolean(m.initialized, where, `${path}.initialized`);
  const epochsDone = checkNumber(m.epochsDone, where, `${path}.epochsDone`, { int: true, min: 0, max: MAX_EPOCHS });
  const epochs = checkNumber(m.epochs, where, `${path}.epochs`, { int: true, min: 0, max: MAX_EPOCHS });
  checkNumber(m.e, where, `${path}.e`, { int: true, min: 0, max: Math.max(epochs, epochsDone, 1) });
  checkHPars(m.seHPars, where, `${path}.seHPars`);
  const known = [...Object.keys(metricsFunctions()), ...losses];
  checkRecord(m.metrics, where, `${path}.metrics`, (sets, p) => {
    const name = p.slice(`${path}.metrics.`.length);
    if (!known.includes(name)) fail(where, p, `unknown metric (known: ${known.join(', ')})`);
    if (!Array.isArray(sets) || sets.length !== 3) fail(where, p, `expected 3 lists (dtrain, dval, dtest), got ${shown(sets)}`);
    sets.forEach((values, k) => {
      if (!Array.isArray(values)) fail(where, `${p}[${k}]`, `expected a list of numbers, got ${shown(values)}`);
      if (values.length > epochsDone) fail(where, `${p}[${k}]`, `${values.length} values for ${epochsDone} epochs done`);
      values.forEach((x, i) => checkNumberJSON(x, where, `${p}[${k}][${i}]`));
    });
  });
  return m;
}

/** An optimizer: { name, config } with a config of numbers and booleans (the factory checks the values). */
function checkOptimizerJSON(v: unknown, where: string, path: string): void {
  const o = checkObject(v, where, path, ['name', 'config']);
  checkString(o.name, where, `${path}.name`, 200);
  checkRecord(o.config, where, `${path}.config`, (x, p) => {
    if (typeof x !== 'boolean') checkNumber(x, where, p);
  });
}

/** One entry of `layers` (its config is checked by the layer's constructor, its d/fs/params against the architecture). */
function checkLayerEntry(v: unknown, where: string, path: string): void {
  const l = checkObject(v, where, path, ['type', 'config', 'seHPars', 'trainable', 'd', 'o', 'rng', 'fs', 'bs', 'params'], ['optimizer', 'optimizerState']);
  if (l.optimizer !== undefined && l.optimizer !== null) checkOptimizerJSON(l.optimizer, where, `${path}.optimizer`);
  if (l.optimizerState !== undefined && l.optimizerState !== null) {
    const st = checkObject(l.optimizerState, where, `${path}.optimizerState`, ['steps', 's']);
    checkNumber(st.steps, where, `${path}.optimizerState.steps`, { int: true, min: 0, max: Number.MAX_SAFE_INTEGER });
    checkRecord(st.s, where, `${path}.optimizerState.s`, (x, p) => checkArrayJSON(x, where, p));
  }
  checkString(l.type, where, `${path}.type`, 200);
  checkRecord(l.config, where, `${path}.config`, () => undefined);
  if (l.seHPars !== 'model' && l.seHPars !== null) checkHPars(l.seHPars, where, `${path}.seHPars`);
  checkBoolean(l.trainable, where, `${path}.trainable`);
  checkRecord(l.d, where, `${path}.d`, (x, p) => checkNumber(x, where, p));
  const o = checkRecord(l.o, where, `${path}.o`, () => undefined);
  if (o.seed !== undefined && o.seed !== null) checkNumber(o.seed, where, `${path}.o.seed`, { int: true });
  checkRngState(l.rng, where, `${path}.rng`);
  checkRecord(l.fs, where, `${path}.fs`, (x, p) => checkShape(x, where, p));
  checkRecord(l.bs, where, `${path}.bs`, (x, p) => checkShape(x, where, p));
  checkRecord(l.params, where, `${path}.params`, (x, p) => checkArrayJSON(x, where, p));
}

/** A dataset: X and (optionally) Y, as many samples in each. */
function checkDataSet(v: unknown, where: string, path: string): void {
  if (v === null) return;
  const s = checkObject(v, where, path, ['X', 'Y']);
  checkArrayJSON(s.X, where, `${path}.X`);
  if (s.Y !== null) {
    checkArrayJSON(s.Y, where, `${path}.Y`);
    const [mx, my] = [(s.X as { shape: number[] }).shape[0], (s.Y as { shape: number[] }).shape[0]];
    if (mx !== my) fail(where, `${path}.Y`, `${my} samples but X has ${mx}`);
  }
}

/** The `embedding` section. */
function checkEmbeddingSection(v: unknown, where: string, initialized: boolean): void {
  const path = 'embedding';
  const e = checkObject(v, where, path, ['inputShape', 'labelColumns', 'elements', 'data'], ['XScaleRange', 'zipOrder']);
  if (e.XScaleRange !== undefined && e.XScaleRange !== null) {
    const r = e.XScaleRange;
    if (!Array.isArray(r) || r.length !== 2) fail(where, `${path}.XScaleRange`, `expected [min, max], got ${shown(r)}`);
    const [lo, hi] = [checkNumber(r[0], where, `${path}.XScaleRange[0]`), checkNumber(r[1], where, `${path}.XScaleRange[1]`)];
    if (!(hi > lo)) fail(where, `${path}.XScaleRange`, `min must be < max, got [${lo}, ${hi}]`);
  }
  if (e.zipOrder !== undefined && e.zipOrder !== null) {
    const z = e.zipOrder;
    if (!Array.isArray(z)) fail(where, `${path}.zipOrder`, `expected a list of sample indices, got ${shown(z)}`);
    const seen = new Uint8Array(z.length);
    z.forEach((k, i) => {
      checkNumber(k, where, `${path}.zipOrder[${i}]`, { int: true, min: 0, max: z.length - 1 });
      if (seen[k as number]++) fail(where, `${path}.zipOrder[${i}]`, `the index ${k} appears twice (expected an order of 0..${z.length - 1})`);
    });
  }
  if (e.inputShape === null) {
    if (initialized) fail(where, `${path}.inputShape`, 'required for an initialized model, got null');
  } else checkShape(e.inputShape, where, `${path}.inputShape`, { positive: true });
  checkNumber(e.labelColumns, where, `${path}.labelColumns`, { int: true, min: 1, max: MAX_ELEMENTS });
  if (!Array.isArray(e.elements)) fail(where, `${path}.elements`, `expected a list of [element, index] pairs, got ${shown(e.elements)}`);
  const seenElements = new Set<unknown>();
  e.elements.forEach((pair, i) => {
    const p = `${path}.elements[${i}]`;
    if (!Array.isArray(pair) || pair.length !== 2) fail(where, p, `expected an [element, index] pair, got ${shown(pair)}`);
    const [el, index] = pair as unknown[];
    if (typeof el !== 'string' && !(typeof el === 'number' && Number.isFinite(el))) fail(where, `${p}[0]`, `expected a string or a number, got ${shown(el)}`);
    if (index !== i) fail(where, `${p}[1]`, `expected the index ${i} (indices run 0, 1, 2, ... in order), got ${shown(index)}`);
    if (seenElements.has(el)) fail(where, `${p}[0]`, `the element ${shown(el)} appears twice`);
    seenElements.add(el);
  });
  if (e.data !== null) {
    const d = checkObject(e.data, where, `${path}.data`, ['dtrain', 'dval', 'dtest']);
    for (const k of ['dtrain', 'dval', 'dtest']) checkDataSet(d[k], where, `${path}.data.${k}`);
  }
}

/**
 * Checks every field of a model document (format and version already checked) and returns it
 * typed. The parts that depend on the architecture (config values, d, fs, parameter shapes) are
 * checked while the model is rebuilt (library.ts).
 */
export function checkModelDocument(doc: Record<string, unknown>, where: string, topFields: readonly string[]): void {
  checkObject(doc, where, '(document)', topFields);
  checkString(doc.created, where, 'created', 100);
  const m = checkModelSection(doc.model, where);
  if (!Array.isArray(doc.layers)) fail(where, 'layers', `expected a list of layers, got ${shown(doc.layers)}`);
  if (doc.layers.length === 0 || doc.layers.length > MAX_LAYERS) fail(where, 'layers', `expected 1 to ${MAX_LAYERS} layers, got ${doc.layers.length}`);
  doc.layers.forEach((entry, i) => checkLayerEntry(entry, where, `layers[${i}]`));
  checkEmbeddingSection(doc.embedding, where, m.initialized as boolean);
}
