// Model files (EpyNN commons/library.py, which pickles the whole object): our own JSON format,
// documented in docs/FORMAT.md. Browser-safe: no fs, no Buffer. Files live in src/node/.
import { checkFinite, show } from '../commons/checks.js';
import { activationName, getActivation } from '../activation/functions.js';
import { EpyNNError, ModelFileError } from '../errors.js';
import { lossFunctions } from '../commons/loss.js';
import { DataSet, type Layer } from '../commons/models.js';
import { Convolution } from '../convolution/models.js';
import { NDArray, fmt, sameShape, size, zeros, type Shape } from '../commons/ndarray.js';
import { type RngState, restoreRng } from '../commons/rng.js';
import type { Element } from '../embedding/dataset.js';
import { Embedding } from '../embedding/models.js';
import { getInitializer, initializerName, type Initializer } from '../initialization/functions.js';
import { EpyNN } from '../network/models.js';
import { setModelFormat } from '../network/hooks.js';
import { type Optimizer, epynnSGD } from '../commons/optimizer.js';
import { optimizerFromConfig, optimizerNames } from '../optimizers/index.js';
import type { HPars } from '../settings.js';
import { Crc32Text, base64Decode, base64Encode, bytesToFloat64, crc32, float64ToBytes } from './bytes.js';
import { type ReadLimits, maxParametersOf, valueBudget } from './limits.js';
import { getLayerClass, layerTypes } from './registry.js';
import { checkModelDocument, checkNumber, checkTree, isObject, shown } from './schema.js';

/** The `format` field of every model file. */
export const FORMAT_NAME = 'epynn-ts/model';
/** The format version this code writes (it reads 1 to this one). 3: the optimizer, its state and the clipping. */
export const FORMAT_VERSION = 3;

/** An optimizer in a model file: its registered name and the options it was made with. */
export interface OptimizerJSON {
  name: string;
  config: Record<string, number | boolean>;
}

/** A layer's optimizer state in a model file: its update count and the state vectors by parameter key. */
export interface OptimizerStateJSON {
  steps: number;
  s: Record<string, ArrayJSON>;
}

/** An array: shape, float64 little-endian bytes in base64, CRC-32 of those bytes. */
export interface ArrayJSON {
  shape: number[];
  dtype: 'float64le';
  data: string;
  crc32: string;
}

/** A number that may be NaN or infinite (JSON has no such numbers). */
export type NumberJSON = number | 'NaN' | 'Infinity' | '-Infinity';

/** One layer of a ModelJSON: type, options, hyperparameters, state and parameters. */
export interface LayerJSON {
  /** Registered type name (the layer's `name`). */
  type: string;
  /** Constructor options (`toConfig()`). */
  config: Record<string, unknown>;
  /** 'model': shares the model's seHPars object; null: none assigned yet. */
  seHPars: 'model' | HPars | null;
  trainable: boolean;
  /** Dimensions, other scalars (the seed), random generator state, forward and backward shapes. */
  d: Record<string, NumberJSON>;
  o: Record<string, unknown>;
  rng: RngState;
  fs: Record<string, number[]>;
  bs: Record<string, number[]>;
  params: Record<string, ArrayJSON>;
  /** Version 3: the layer's own optimizer (null: the model's). */
  optimizer?: OptimizerJSON | null;
  /** Version 3: the optimizer state (null before any update). */
  optimizerState?: OptimizerStateJSON | null;
}

/** A dataset of a ModelJSON written with includeData: features X and labels Y. */
export interface DataSetJSON {
  X: ArrayJSON;
  Y: ArrayJSON | null;
}

/** A model as JSON: what `model.toJSON()` returns and `model.write()` writes (docs/FORMAT.md). */
export interface ModelJSON {
  format: typeof FORMAT_NAME;
  version: number;
  /** ISO date of writing (informative). */
  created: string;
  /** `crc32:<8 hex digits>` over the canonical document (version 2; see canonicalJSON). */
  checksum?: string;
  model: {
    name: string;
    uname: string;
    ts: number;
    loss: string;
    seed: number | null;
    initialized: boolean;
    e: number;
    epochs: number;
    epochsDone: number;
    seHPars: HPars;
    /** metrics[name] = [dtrain, dval, dtest] values per epoch. */
    metrics: Record<string, NumberJSON[][]>;
    /** 'epynn' for a model initialized with compat: 'epynn' (absent or null otherwise). */
    compat?: 'epynn' | null;
    /** Version 3: the model's optimizer (absent in older files: EpyNN's SGD). */
    optimizer?: OptimizerJSON;
    /** Version 3: global gradient clipping (null: none). */
    clipNorm?: number | null;
    clipValue?: number | null;
    /** Version 3: the factor on the scheduled learning rates and its floor (reduceLROnPlateau); absent: 1 and 0. */
    lrScale?: number;
    lrFloor?: number;
  };
  layers: LayerJSON[];
  embedding: {
    /** Shape of one sample (without the sample axis); null before initialize. */
    inputShape: number[] | null;
    labelColumns: number;
    /** One-hot encoding of XEncode: [element, index] pairs. */
    elements: [Element, number][];
    /** XScale: the training data's [min, max], which predict and setData scale new data with (null without XScale). */
    XScaleRange?: [NumberJSON, NumberJSON] | null;
    /** The datasets, only when written with includeData. */
    data: { dtrain: DataSetJSON | null; dval: DataSetJSON | null; dtest: DataSetJSON | null } | null;
    /** compat: 'epynn' only: EpyNN's current dtrain order (indices into dtrain). */
    zipOrder?: number[] | null;
  };
}

/** Options of `model.toJSON()` and `model.write()`. */
export interface ToJSONOptions {
  /** Store dtrain, dval and dtest too (needed to continue training after reading). @default false */
  includeData?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Arrays and numbers

/** Bit-exact encoding of an array. */
export function encodeArray(x: NDArray): ArrayJSON {
  const bytes = float64ToBytes(x.data);
  return { shape: [...x.shape], dtype: 'float64le', data: base64Encode(bytes), crc32: crc32(bytes) };
}

/** Decodes an ArrayJSON, checking dtype, shape, length and checksum; `what` names it in errors. */
export function decodeArray(a: unknown, what: string): NDArray {
  if (a === null || typeof a !== 'object') throw new EpyNNError(`${what}: expected an array object, got ${a === null ? 'null' : typeof a}`);
  const { shape, dtype, data, crc32: sum } = a as Partial<ArrayJSON>;
  if (dtype !== 'float64le') throw new EpyNNError(`${what}: unsupported dtype ${JSON.stringify(dtype)} (expected "float64le")`);
  if (!Array.isArray(shape) || !shape.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new EpyNNError(`${what}: shape must be an array of non-negative integers, got ${show(shape)}`);
  }
  if (typeof data !== 'string') throw new EpyNNError(`${what}: data must be a base64 string`);
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(data);
  } catch (err) {
    throw new EpyNNError(`${what}: corrupted data (${(err as Error).message})`);
  }
  if (bytes.length !== size(shape) * 8) {
    throw new EpyNNError(`${what}: data holds ${bytes.length} bytes but shape ${fmt(shape)} needs ${size(shape) * 8} (8 per value): the file is truncated or corrupted`);
  }
  const actual = crc32(bytes);
  if (actual !== sum) {
    throw new EpyNNError(`${what}: checksum mismatch (file says ${String(sum)}, data gives ${actual}): the file is corrupted`);
  }
  return new NDArray(bytesToFloat64(bytes), shape);
}

const encodeNumber = (v: number): NumberJSON => (Number.isFinite(v) ? v : (String(v) as NumberJSON));
const decodeNumber = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));

// ---------------------------------------------------------------------------------------------
// Activations and initializers by name

/** Throws unless every function of the layer's config is registered under the name recorded. */
function checkRegistered(layer: Layer, config: Record<string, unknown>, where: string): void {
  for (const [k, name] of Object.entries(config)) {
    const fn = (layer as unknown as Record<string, unknown>)[k];
    if (typeof fn !== 'function') continue;
    if (k.startsWith('activate') && activationName(fn as never) === undefined) {
      throw new EpyNNError(
        `${where}: the activation '${String(name)}' (option ${k}) is not registered by name; call ` +
          `registerActivation('${String(name)}', fn) before writing, and again before reading the model`,
      );
    }
    if (k === 'initialization') {
      let registered: Initializer | undefined;
      try {
        registered = getInitializer(initializerName(fn as Initializer));
      } catch {
        registered = undefined;
      }
      if (registered !== fn) {
        throw new EpyNNError(
          `${where}: the initialization '${String(name)}' is not registered by name; call ` +
            `registerInitializer('${String(name)}', fn) before writing, and again before reading the model`,
        );
      }
    }
  }
}

/** Config -> constructor options: activation and initialization names to functions, null to undefined. */
function hydrate(config: Record<string, unknown>, where: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === null) continue;
    try {
      if (k.startsWith('activate') && typeof v === 'string') options[k] = getActivation(v);
      else if (k === 'initialization' && typeof v === 'string') options[k] = getInitializer(v);
      else options[k] = v;
    } catch (err) {
      throw new EpyNNError(`${where}: ${(err as Error).message}`);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Model -> JSON

const layerWhere = (i: number, layer: { name?: string; type?: string }): string => `layer ${i} (${layer.name ?? layer.type})`;

/** @internal modelToJSON's options for src/parallel's replicas: no optimizer (replicas never update). */
export interface ReplicaJSONOptions extends ToJSONOptions {
  /** Leave out the optimizers and their state (the replica reads as EpyNN's SGD). */
  withoutOptimizer?: boolean;
}

/** The model as a plain JSON object (see docs/FORMAT.md). Parameters are stored bit-exact. */
export function modelToJSON(model: EpyNN, { includeData = false, withoutOptimizer = false }: ReplicaJSONOptions = {}): ModelJSON {
  const where = 'EpyNN.toJSON';
  const emb = model.embedding;
  const layers = model.layers.map((layer, i): LayerJSON => {
    const w = `${where}: ${layerWhere(i, layer)}`;
    if (getLayerClass(layer.name) === undefined) {
      throw new EpyNNError(`${w}: layer type '${layer.name}' is not registered; call registerLayer('${layer.name}', ${layer.name}) first`);
    }
    const config = JSON.parse(JSON.stringify(layer.toConfig())) as Record<string, unknown>;
    checkRegistered(layer, config, w);
    const params: Record<string, ArrayJSON> = {};
    for (const [k, v] of Object.entries(layer.p)) params[k] = encodeArray(v);
    const d: Record<string, NumberJSON> = {};
    for (const [k, v] of Object.entries(layer.d)) d[k] = encodeNumber(v);
    const shapes = (s: Record<string, Shape>): Record<string, number[]> =>
      Object.fromEntries(Object.entries(s).map(([k, v]) => [k, [...v]]));
    const state: Record<string, ArrayJSON> = {};
    if (!withoutOptimizer) for (const [k, v] of Object.entries(layer.s)) if (Object.hasOwn(layer.p, k)) state[k] = encodeArray(new NDArray(v, [v.length]));
    return {
      type: layer.name,
      config,
      seHPars: model.inheritedHPars.has(layer) ? 'model' : layer.seHPars === undefined ? null : { ...layer.seHPars },
      trainable: layer.trainable,
      d,
      o: JSON.parse(JSON.stringify(layer.o ?? {})) as Record<string, unknown>,
      rng: layer.rng.state(),
      fs: shapes(layer.fs),
      bs: shapes(layer.bs),
      params,
      optimizer: layer.ownOptimizer === undefined || withoutOptimizer ? null : optimizerJSON(layer.ownOptimizer, w),
      optimizerState: (layer.steps === 0 && Object.keys(state).length === 0) || withoutOptimizer ? null : { steps: layer.steps, s: state },
    };
  });
  const metrics: Record<string, NumberJSON[][]> = {};
  for (const [k, sets] of Object.entries(model.metrics)) metrics[k] = sets.map((values) => values.map(encodeNumber));
  const dataset = (s: DataSet): DataSetJSON | null =>
    s.active ? { X: encodeArray(s.X), Y: s.Y === undefined ? null : encodeArray(s.Y) } : null;
  const doc: ModelJSON = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    created: new Date().toISOString(),
    checksum: '',
    model: {
      name: model.name,
      uname: model.uname,
      ts: model.ts,
      loss: model.loss,
      seed: model.seed ?? null,
      initialized: model.initialized,
      e: model.e,
      epochs: model.epochs,
      epochsDone: model.epochsDone,
      seHPars: { ...model.seHPars },
      metrics,
      compat: model.compat ?? null,
      optimizer: withoutOptimizer ? undefined : optimizerJSON(model.optimizer, `${where}: model`),
      clipNorm: model.clipNorm ?? null,
      clipValue: model.clipValue ?? null,
      lrScale: model.lrScale,
      lrFloor: model.lrFloor,
    },
    layers,
    embedding: {
      inputShape: emb.fs.X === undefined ? null : emb.fs.X.slice(1),
      labelColumns: emb.labelColumns,
      elements: [...emb.e2i.entries()],
      XScaleRange: emb.XScaleRange === undefined ? null : [encodeNumber(emb.XScaleRange[0]), encodeNumber(emb.XScaleRange[1])],
      data: includeData ? { dtrain: dataset(emb.dtrain), dval: dataset(emb.dval), dtest: dataset(emb.dtest) } : null,
      zipOrder: emb.zipOrder === undefined ? null : [...emb.zipOrder],
    },
  };
  doc.checksum = modelChecksum(doc);
  return doc;
}

/** An optimizer as { name, config }; one that can not be made again from them is refused (registerOptimizer). */
function optimizerJSON(opt: Optimizer, w: string): OptimizerJSON {
  if (!optimizerNames().includes(opt.name)) {
    throw new EpyNNError(`${w}: the optimizer '${opt.name}' is not registered; call registerOptimizer('${opt.name}', factory) first`);
  }
  return { name: opt.name, config: JSON.parse(JSON.stringify(opt.config)) as Record<string, number | boolean> };
}

// ---------------------------------------------------------------------------------------------
// Whole-document checksum

/**
 * The document in canonical form: JSON with every object's keys sorted (by UTF-16 code units), no
 * whitespace, numbers as JavaScript prints them, and without the top-level `checksum` field.
 */
export function canonicalJSON(doc: object): string {
  const { checksum: _omit, ...rest } = doc as Record<string, unknown>;
  return JSON.stringify(rest, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** Characters JSON.stringify writes as escapes (controls, quote, backslash, surrogates, lone or not). */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The `checksum` field of a document: `crc32:` + CRC-32 of the UTF-8 bytes of its canonical form,
 * computed piece by piece (the same bytes as canonicalJSON, without building that string).
 */
export function modelChecksum(doc: object): string {
  const crc = new Crc32Text();
  const emit = (v: unknown): void => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(): unknown }).toJSON();
    if (Array.isArray(v)) {
      crc.update('[');
      v.forEach((x, i) => {
        if (i > 0) crc.update(',');
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') crc.update('null');
        else emit(x);
      });
      crc.update(']');
    } else if (v !== null && typeof v === 'object') {
      crc.update('{');
      let first = true;
      for (const k of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        crc.update(first ? '' : ',').update(JSON.stringify(k)).update(':');
        first = false;
        emit(x);
      }
      crc.update('}');
    } else if (typeof v === 'string' && v.length >= 256 && !JSON_ESCAPED.test(v)) {
      crc.update('"').update(v).update('"'); // the arrays' base64: JSON.stringify would only copy it
    } else crc.update(JSON.stringify(v) ?? 'null');
  };
  const { checksum: _omit, ...rest } = doc as Record<string, unknown>;
  emit(rest);
  return `crc32:${crc.digest()}`;
}

// ---------------------------------------------------------------------------------------------
// JSON -> model: (1) read and check the document, (2) build the layers, (3) restore the model's
// fields, (4) the embedding, (5) check and set the parameters, (6) the per-layer state.

/** Most values in one sample of a model read from a file (the check pass runs one zero sample). */
export const MAX_SAMPLE_ELEMENTS = 2 ** 24;

/** Top-level fields of each readable version. */
const TOP_FIELDS: Record<number, readonly string[]> = {
  1: ['format', 'version', 'created', 'model', 'layers', 'embedding'],
  2: ['format', 'version', 'created', 'checksum', 'model', 'layers', 'embedding'],
  3: ['format', 'version', 'created', 'checksum', 'model', 'layers', 'embedding'],
};

/** Any error met while reading, as a ModelFileError (others would be a bug: the message says so). */
function asModelFileError(err: unknown, where: string): ModelFileError {
  if (err instanceof ModelFileError) return err;
  if (err instanceof EpyNNError) return new ModelFileError(err.message.startsWith(where) ? err.message : `${where}: ${err.message}`, { cause: err });
  const e = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new ModelFileError(`${where}: unexpected error while reading the model (${e}); please report it`, { cause: err });
}

/** Parses model JSON text and checks the whole document (see checkModelJSON). */
export function parseModelJSON(text: string, where = 'EpyNN.fromJSON'): ModelJSON {
  if (typeof text !== 'string') throw new ModelFileError(`${where}: expected the model's JSON text (a string), got ${shown(text)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(`${where}: the file is truncated or is not JSON (${(err as Error).message})`);
  }
  return checkModelJSON(json, where);
}

/**
 * Checks a parsed model document before anything is built: format and version, no prototype keys,
 * the whole-document checksum (version 2), then every field's type and range (src/io/schema.ts).
 */
export function checkModelJSON(json: unknown, where = 'EpyNN.fromJSON'): ModelJSON {
  try {
    if (!isObject(json) || json.format !== FORMAT_NAME) {
      throw new ModelFileError(`${where}: not an epynn-ts model (the "format" field must be "${FORMAT_NAME}")`);
    }
    const version = json.version;
    if (typeof version !== 'number' || !Object.hasOwn(TOP_FIELDS, version)) {
      throw new ModelFileError(
        `${where}: unsupported format version ${shown(version)}; this epynn-ts reads versions ${Object.keys(TOP_FIELDS).slice(0, -1).join(', ')} and ${Object.keys(TOP_FIELDS).slice(-1)[0]}` +
          (typeof version === 'number' && version > FORMAT_VERSION ? ' (written by a newer epynn-ts: upgrade)' : ''),
      );
    }
    checkTree(json, where);
    if (version >= 2) {
      const expected = modelChecksum(json);
      if (json.checksum !== expected) {
        throw new ModelFileError(
          `${where}: checksum mismatch (file says ${shown(json.checksum)}, content gives ${expected}): the file is corrupted or was edited`,
        );
      }
    }
    checkModelDocument(json, where, TOP_FIELDS[version]);
    return json as unknown as ModelJSON;
  } catch (err) {
    throw asModelFileError(err, where);
  }
}

/** (2) Rebuilds a layer from its entry (without parameters). */
function buildLayer(entry: LayerJSON, i: number, where: string): Layer {
  const w = `${where}: ${layerWhere(i, entry)}`;
  const cls = getLayerClass(entry.type);
  if (cls === undefined) {
    throw new ModelFileError(`${w}: unknown layer type '${String(entry.type)}'; known: ${layerTypes().join(', ')} (use registerLayer for your own)`);
  }
  const options = hydrate(entry.config, w);
  let layer: Layer;
  try {
    layer = new cls(options);
  } catch (err) {
    throw new ModelFileError(`${w}: ${(err as Error).message}`, { cause: err });
  }
  // The stored config must be what the layer writes back: a missing option (the default would
  // silently apply), an ignored one or a non-canonical value means the entry was not written by toConfig
  const back = JSON.parse(JSON.stringify(layer.toConfig())) as unknown;
  const diff = firstDifference(entry.config, back, 'config');
  if (diff !== undefined) throw new ModelFileError(`${w}: ${diff}`);
  return layer;
}

/** Where two JSON values differ first ('config.units is 3, the layer gives 2'), or undefined. */
function firstDifference(stored: unknown, built: unknown, path: string): string | undefined {
  if (Array.isArray(stored) && Array.isArray(built)) {
    if (stored.length !== built.length) return `${path} has ${stored.length} entries, the layer gives ${built.length}`;
    for (let i = 0; i < stored.length; i++) {
      const d = firstDifference(stored[i], built[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isObject(stored) && isObject(built)) {
    for (const k of Object.keys(built)) if (!Object.hasOwn(stored, k)) return `${path}.${k} is missing (the layer gives ${shown(built[k])})`;
    for (const k of Object.keys(stored)) {
      if (!Object.hasOwn(built, k)) return `${path}.${k} is not an option of this layer (it has ${Object.keys(built).join(', ')})`;
      const d = firstDifference(stored[k], built[k], `${path}.${k}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(stored, built) ? undefined : `${path} is ${shown(stored)}, the layer built from it gives ${shown(built)}`;
}

/** (3) Hyperparameters (layers marked 'model' share the model's object), loss, metrics, epochs. */
function restoreModelFields(model: EpyNN, json: ModelJSON, where: string): void {
  const m = json.model;
  model.ts = m.ts;
  model.uname = m.uname;
  model.seHPars = { ...m.seHPars };
  json.layers.forEach((entry, i) => {
    const layer = model.layers[i];
    if (entry.seHPars === 'model') {
      layer.seHPars = model.seHPars;
      model.inheritedHPars.add(layer);
    } else layer.seHPars = entry.seHPars === null ? undefined : { ...entry.seHPars };
  });
  model.loss = m.loss;
  model.metrics = {};
  for (const [k, sets] of Object.entries(m.metrics)) model.metrics[k] = sets.map((values) => values.map(decodeNumber));
  model.seed = m.seed ?? undefined;
  model.e = m.e;
  model.epochs = m.epochs;
  model.epochsDone = m.epochsDone;
  // Version 3: the optimizer and the clipping (older files: EpyNN's SGD, none)
  model.optimizer = m.optimizer === undefined ? epynnSGD : optimizerFromConfig(`${where}: model.optimizer`, m.optimizer.name, m.optimizer.config);
  model.clipNorm = m.clipNorm ?? undefined;
  model.clipValue = m.clipValue ?? undefined;
  model.lrScale = m.lrScale ?? 1;
  model.lrFloor = m.lrFloor ?? 0;
  json.layers.forEach((entry, i) => {
    const layer = model.layers[i];
    layer.modelOptimizer = model.optimizer;
    layer.ownOptimizer = entry.optimizer === undefined || entry.optimizer === null ? undefined : optimizerFromConfig(`${where}: ${layerWhere(i, entry)}.optimizer`, entry.optimizer.name, entry.optimizer.config);
  });
}

/** (4) Embedding: element map, label count and (optionally) the datasets, checked against inputShape. */
function restoreEmbedding(model: EpyNN, json: ModelJSON, where: string): void {
  const emb = model.embedding;
  const { elements, labelColumns, inputShape, data } = json.embedding;
  emb.e2i = new Map(elements);
  emb.i2e = new Map(elements.map(([e, i]) => [i, e]));
  emb.labelColumns = labelColumns;
  const range = json.embedding.XScaleRange;
  emb.XScaleRange = range === undefined || range === null ? undefined : [decodeNumber(range[0]), decodeNumber(range[1])];
  const zip = json.embedding.zipOrder;
  emb.zipOrder = zip === undefined || zip === null ? undefined : [...zip];
  const e = json.layers[0].d.e;
  if (e !== undefined && e !== elements.length) {
    throw new ModelFileError(`${where}: layers[0].d.e: ${e} elements but embedding.elements has ${elements.length}`);
  }
  if (!data) return;
  const names = ['dtrain', 'dval', 'dtest'] as const;
  const sets = names.map((name) => {
    const s = data[name];
    if (!s) return new DataSet(new NDArray(new Float64Array(0), [0]), undefined, name);
    const w = `${where}: embedding.data.${name}`;
    if (inputShape !== null && !sameShape(s.X.shape.slice(1), inputShape)) {
      throw new ModelFileError(`${w}.X: samples of shape ${fmt(s.X.shape.slice(1))} but embedding.inputShape is ${fmt(inputShape)}`);
    }
    if (s.Y && !sameShape(s.Y.shape, [s.Y.shape[0], labelColumns])) {
      throw new ModelFileError(`${w}.Y: shape ${fmt(s.Y.shape)}, expected (m, ${labelColumns}) (embedding.labelColumns)`);
    }
    const X = decodeArray(s.X, `${w}.X`);
    const Y = s.Y ? decodeArray(s.Y, `${w}.Y`) : undefined;
    return new DataSet(X, Y, name);
  });
  [emb.dtrain, emb.dval, emb.dtest] = sets;
  emb.dsets = sets.filter((s) => s.active);
  if (emb.zipOrder !== undefined && emb.dtrain.active && emb.zipOrder.length !== emb.dtrain.X.shape[0]) {
    throw new ModelFileError(`${where}: embedding.zipOrder has ${emb.zipOrder.length} indices but dtrain has ${emb.dtrain.X.shape[0]} samples`);
  }
}

/**
 * The stored dimensions must be the ones the architecture computes (only the sample count `m`
 * may differ): `d` drives the next forward pass (a Pooling window, a Dropout rate...).
 */
function checkDimensions(entry: LayerJSON, layer: Layer, w: string, { complete }: { complete: boolean }): void {
  for (const [k, v] of Object.entries(layer.d)) {
    if (k === 'm') continue;
    if (!Object.hasOwn(entry.d, k)) {
      if (complete) throw new ModelFileError(`${w}: d.${k} is missing (the architecture gives ${v})`);
      continue;
    }
    if (entry.d[k] !== v) throw new ModelFileError(`${w}: d.${k} is ${shown(entry.d[k])} but the architecture gives ${v}`);
  }
  if (!complete) return;
  for (const k of Object.keys(entry.d)) {
    if (k === 'm') checkNumber(entry.d.m, w, 'd.m', { int: true, min: 0 });
    else if (!Object.hasOwn(layer.d, k) && !(k === 'e' && layer instanceof Embedding)) {
      throw new ModelFileError(`${w}: d.${k} is not a dimension of this layer (it has ${Object.keys(layer.d).join(', ')})`);
    }
  }
}

/** Stored forward shapes must be the architecture's, but for the sample axis of data arrays. */
function checkForwardShapes(entry: LayerJSON, layer: Layer, w: string): void {
  for (const k of Object.keys(layer.fs)) if (!Object.hasOwn(entry.fs, k)) throw new ModelFileError(`${w}: fs.${k} is missing (the architecture gives ${fmt(layer.fs[k])})`);
  for (const [k, shape] of Object.entries(entry.fs)) {
    const want = layer.fs[k];
    if (want === undefined) throw new ModelFileError(`${w}: fs.${k} is not a forward shape of this layer (it has ${Object.keys(layer.fs).join(', ')})`);
    const exact = k in layer.p;
    const ok = shape.length === want.length && shape.every((s, j) => s === want[j] || (j === 0 && !exact));
    if (!ok) throw new ModelFileError(`${w}: fs.${k} is ${fmt(shape)} but the architecture gives ${fmt(want)}${exact ? '' : ' (any sample count)'}`);
  }
}

/** Runs f with the layer's own `initialization` function (if it has one) replaced by zeros of the shape. */
function withZeroInitializer(layer: Layer, f: () => void): void {
  const own = Object.getOwnPropertyDescriptor(layer, 'initialization');
  if (own === undefined || typeof own.value !== 'function' || own.writable !== true) return f();
  const holder = layer as unknown as { initialization: unknown };
  holder.initialization = (shape: number[]): NDArray => zeros(shape);
  try {
    f();
  } finally {
    holder.initialization = own.value;
  }
}

/**
 * (5) Parameters, by the steps of the model check on one zero sample of inputShape: computeShapes
 * (then the stored dimensions and parameter shapes are compared, before anything is allocated),
 * initializeParameters (the expected names), the stored parameters put in place, forward.
 */
function restoreParameters(model: EpyNN, json: ModelJSON, where: string, maxParameters: number): void {
  const budget = valueBudget(maxParameters, where);
  const layers = model.layers;
  const outputActivation = layers[layers.length - 1].activation.activate;
  model.trainingLoss = lossFunctions(json.model.loss, outputActivation);
  const inputShape = json.embedding.inputShape!;
  if (size(inputShape) > MAX_SAMPLE_ELEMENTS) {
    throw new ModelFileError(`${where}: embedding.inputShape ${fmt(inputShape)} has ${size(inputShape)} values per sample (at most ${MAX_SAMPLE_ELEMENTS})`);
  }
  let A = zeros([1, ...inputShape]);
  model.setTraining(false);
  json.layers.forEach((entry, i) => {
    const layer = layers[i];
    const w = `${where}: ${layerWhere(i, entry)}`;
    const stage = (name: string, f: () => void): void => {
      try {
        f();
      } catch (err) {
        if (err instanceof ModelFileError) throw err;
        throw new ModelFileError(`${w}: ${name} failed on the stored input shape ${fmt([1, ...inputShape])}: ${(err as Error).message}`, { cause: err });
      }
    };
    stage('computeShapes', () => layer.computeShapes(A));
    budget(layer, w);
    checkDimensions(entry, layer, w, { complete: true });
    for (const [k, a] of Object.entries(entry.params)) {
      const want = layer.fs[k];
      if (want !== undefined && !sameShape(a.shape, want)) {
        throw new ModelFileError(`${w}: parameter ${k} has shape ${fmt(a.shape)} but the architecture needs ${fmt(want)}`);
      }
    }
    // expected names and shapes (the random state is restored later); the stored values replace what it
    // draws, so a layer's own weight initializer is swapped for zeros meanwhile (xavier or orthogonal over
    // millions of weights would cost more than the rest of the read)
    stage('initializeParameters', () => withZeroInitializer(layer, () => layer.initializeParameters()));
    for (const k of Object.keys(layer.p)) if (!Object.hasOwn(entry.params, k)) throw new ModelFileError(`${w}: parameter ${k} is missing`);
    const saved: Record<string, NDArray> = {};
    for (const [k, a] of Object.entries(entry.params)) {
      if (!Object.hasOwn(layer.p, k)) throw new ModelFileError(`${w}: unexpected parameter ${k} (the architecture has ${Object.keys(layer.p).join(', ') || 'none'})`);
      saved[k] = decodeArray(a, `${w}: parameter ${k}`);
      checkFinite(`${w}: parameter ${k}`, k, saved[k]);
      if (!sameShape(saved[k].shape, layer.p[k].shape)) {
        throw new ModelFileError(`${w}: parameter ${k} has shape ${fmt(saved[k].shape)} but the architecture needs ${fmt(layer.p[k].shape)}`);
      }
    }
    if (layer instanceof Convolution && !layer.useBias && saved.b !== undefined && saved.b.data.some((v) => v !== 0)) {
      throw new ModelFileError(`${w}: useBias is false but parameter b holds non-zero values (it never moves without a bias)`);
    }
    layer.p = saved;
    stage('forward', () => {
      A = layer.forward(A);
    });
    checkForwardShapes(entry, layer, w);
  });
  const labels = json.embedding.labelColumns;
  if (A.ndim === 2 && A.shape[1] !== labels) {
    throw new ModelFileError(`${where}: embedding.labelColumns is ${labels} but the output layer gives ${A.shape[1]} values per sample`);
  }
}

/** (6) Per-layer state as written: dimensions, shapes, seed, random streams. */
function restoreLayerState(model: EpyNN, json: ModelJSON, where: string): void {
  json.layers.forEach((entry, i) => {
    const layer = model.layers[i];
    if (!json.model.initialized) checkDimensions(entry, layer, `${where}: ${layerWhere(i, entry)}`, { complete: false });
    layer.d = Object.fromEntries(Object.entries(entry.d).map(([k, v]) => [k, decodeNumber(v)]));
    layer.fs = Object.fromEntries(Object.entries(entry.fs).map(([k, v]) => [k, [...v]]));
    layer.bs = Object.fromEntries(Object.entries(entry.bs).map(([k, v]) => [k, [...v]]));
    layer.o = { ...entry.o };
    layer.fc = {};
    layer.bc = {};
    layer.g = {};
    layer.trainable = entry.trainable;
    layer.e = json.model.e;
    layer.rng = restoreRng(entry.rng);
    restoreOptimizerState(layer, entry, `${where}: ${layerWhere(i, entry)}`);
    model.network.set(layer, { Layer: layer.name, Activation: { ...layer.activation }, Dimensions: layer.d, FW_Shapes: layer.fs, BW_Shapes: layer.bs });
  });
}

/** The layer's optimizer state (version 3): one state array per parameter, slots × its size values. */
function restoreOptimizerState(layer: Layer, entry: LayerJSON, w: string): void {
  layer.s = {};
  layer.steps = 0;
  const st = entry.optimizerState;
  if (st === undefined || st === null) return;
  const slots = layer.optimizer.slots;
  for (const [k, a] of Object.entries(st.s)) {
    const P = layer.p[k];
    if (P === undefined) throw new ModelFileError(`${w}: optimizerState.s.${k} is not a parameter of this layer (it has ${Object.keys(layer.p).join(', ') || 'none'})`);
    const want = slots * P.data.length;
    if (a.shape.length !== 1 || a.shape[0] !== want) {
      throw new ModelFileError(`${w}: optimizerState.s.${k} has shape ${fmt(a.shape)}, the optimizer '${layer.optimizer.name}' keeps ${slots} × ${P.data.length} = ${want} values for it`);
    }
    layer.s[k] = decodeArray(a, `${w}: optimizerState.s.${k}`).data;
  }
  layer.steps = st.steps;
}

/**
 * Rebuilds a model from `modelToJSON` output (object or JSON text). The model predicts exactly as
 * the one written and, when the data was included, continues training on the same random streams.
 * Every problem with the input is a ModelFileError naming the field. `limits.maxParameters` bounds
 * the values the model may hold (MAX_PARAMETERS by default), checked from the shapes before allocating.
 */
export function modelFromJSON(input: ModelJSON | string, where = 'EpyNN.fromJSON', limits?: ReadLimits): EpyNN {
  const maxParameters = maxParametersOf(limits, where);
  try {
    // (1) The document, checked before anything is built
    const json = typeof input === 'string' ? parseModelJSON(input, where) : checkModelJSON(input, where);
    if (!json.model.initialized && json.layers.some((l) => Object.keys(l.params).length > 0)) {
      throw new ModelFileError(`${where}: model.initialized is false but the layers hold parameters`);
    }
    // (2) Architecture
    const layers = json.layers.map((entry, i) => buildLayer(entry, i, where));
    if (!(layers[0] instanceof Embedding)) throw new ModelFileError(`${where}: the first layer must be an Embedding, got ${layers[0].name}`);
    const model = new EpyNN(layers, json.model.name);
    // (3)-(6)
    restoreModelFields(model, json, where);
    restoreEmbedding(model, json, where);
    if (json.model.initialized) restoreParameters(model, json, where, maxParameters);
    restoreLayerState(model, json, where);
    // (7) compat: 'epynn' mode (checked by the schema)
    model.setCompat(json.model.compat ?? undefined, where);
    model.initialized = json.model.initialized;
    return model;
  } catch (err) {
    throw asModelFileError(err, where);
  }
}

// The network reaches this format through src/network/hooks.ts (it does not import src/io).
setModelFormat({ toJSON: modelToJSON, fromJSON: (json) => modelFromJSON(json) });
