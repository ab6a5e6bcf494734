// Model files (EpyNN commons/library.py, which pickles the whole object): our own JSON format,
// documented in docs/FORMAT.md. Browser-safe: no fs, no Buffer. Files live in src/node/.
import { activationName, getActivation } from '../activation/functions.js';
import { EpyNNError } from '../commons/errors.js';
import { lossFunctions } from '../commons/loss.js';
import { DataSet, type Layer } from '../commons/models.js';
import { NDArray, fmt, sameShape, size, zeros, type Shape } from '../commons/ndarray.js';
import { type RngState, restoreRng } from '../commons/rng.js';
import type { Element } from '../embedding/dataset.js';
import { Embedding } from '../embedding/models.js';
import { getInitializer, initializerName, type Initializer } from '../initialization/functions.js';
import { EpyNN } from '../network/models.js';
import { setModelFormat } from '../network/hooks.js';
import type { HPars } from '../settings.js';
import { base64Decode, base64Encode, bytesToFloat64, crc32, float64ToBytes } from './bytes.js';
import { getLayerClass, layerTypes } from './registry.js';

/** The `format` field of every model file. */
export const FORMAT_NAME = 'epynn-ts/model';
/** The format version this code writes and reads. */
export const FORMAT_VERSION = 1;

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
    throw new EpyNNError(`${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
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

/** The model as a plain JSON object (see docs/FORMAT.md). Parameters are stored bit-exact. */
export function modelToJSON(model: EpyNN, { includeData = false }: ToJSONOptions = {}): ModelJSON {
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
    };
  });
  const metrics: Record<string, NumberJSON[][]> = {};
  for (const [k, sets] of Object.entries(model.metrics)) metrics[k] = sets.map((values) => values.map(encodeNumber));
  const dataset = (s: DataSet): DataSetJSON | null =>
    s.active ? { X: encodeArray(s.X), Y: s.Y === undefined ? null : encodeArray(s.Y) } : null;
  return {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    created: new Date().toISOString(),
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
}

// ---------------------------------------------------------------------------------------------
// JSON -> model

/** Parses model JSON text; a truncated file gives a clear error. */
export function parseModelJSON(text: string, where = 'EpyNN.fromJSON'): ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new EpyNNError(`${where}: the file is truncated or is not JSON (${(err as Error).message})`);
  }
  return checkHeader(json, where);
}

function checkHeader(json: unknown, where: string): ModelJSON {
  if (json === null || typeof json !== 'object' || (json as { format?: unknown }).format !== FORMAT_NAME) {
    throw new EpyNNError(`${where}: not an epynn-ts model (the "format" field must be "${FORMAT_NAME}")`);
  }
  const version = (json as { version?: unknown }).version;
  if (version !== FORMAT_VERSION) {
    throw new EpyNNError(
      `${where}: unsupported format version ${JSON.stringify(version)}; this epynn-ts reads version ${FORMAT_VERSION}` +
        (typeof version === 'number' && version > FORMAT_VERSION ? ' (written by a newer epynn-ts: upgrade)' : ''),
    );
  }
  const j = json as ModelJSON;
  if (!Array.isArray(j.layers) || j.layers.length === 0 || typeof j.model !== 'object' || typeof j.embedding !== 'object') {
    throw new EpyNNError(`${where}: the file is incomplete (model, layers and embedding are required)`);
  }
  return j;
}

/** Rebuilds a layer from its entry (without parameters). */
function buildLayer(entry: LayerJSON, i: number, where: string): Layer {
  const w = `${where}: ${layerWhere(i, entry)}`;
  const cls = getLayerClass(entry.type);
  if (cls === undefined) {
    throw new EpyNNError(`${w}: unknown layer type '${String(entry.type)}'; known: ${layerTypes().join(', ')} (use registerLayer for your own)`);
  }
  const options = hydrate(entry.config ?? {}, w);
  try {
    return new cls(options);
  } catch (err) {
    throw new EpyNNError(`${w}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Rebuilds a model from `modelToJSON` output (object or JSON text). The model predicts exactly as
 * the one written and, when the data was included, continues training on the same random streams.
 */
export function modelFromJSON(input: ModelJSON | string, where = 'EpyNN.fromJSON'): EpyNN {
  const json = typeof input === 'string' ? parseModelJSON(input, where) : checkHeader(input, where);
  const m = json.model;

  // (1) Architecture
  const layers = json.layers.map((entry, i) => buildLayer(entry, i, where));
  if (!(layers[0] instanceof Embedding)) throw new EpyNNError(`${where}: the first layer must be an Embedding, got ${layers[0].name}`);
  const model = new EpyNN(layers, m.name);
  model.ts = m.ts;
  model.uname = m.uname;

  // (2) Hyperparameters: layers marked 'model' share the model's object
  model.seHPars = { ...m.seHPars };
  json.layers.forEach((entry, i) => {
    const layer = layers[i];
    if (entry.seHPars === 'model') {
      layer.seHPars = model.seHPars;
      model.inheritedHPars.add(layer);
    } else layer.seHPars = entry.seHPars === null || entry.seHPars === undefined ? undefined : { ...entry.seHPars };
  });

  // (3) Loss, metrics, epochs
  model.loss = m.loss;
  model.metrics = {};
  for (const [k, sets] of Object.entries(m.metrics ?? {})) model.metrics[k] = sets.map((values) => values.map(decodeNumber));
  model.seed = m.seed ?? undefined;
  model.e = m.e;
  model.epochs = m.epochs;
  model.epochsDone = m.epochsDone;

  // (4) Embedding: element map, label count and (optionally) the datasets
  const emb = model.embedding;
  const elements = json.embedding.elements ?? [];
  emb.e2i = new Map(elements);
  emb.i2e = new Map(elements.map(([e, i]) => [i, e]));
  emb.labelColumns = json.embedding.labelColumns ?? 1;
  const range = json.embedding.XScaleRange;
  if (range !== undefined && range !== null) {
    const [lo, hi] = Array.isArray(range) && range.length === 2 ? range.map(decodeNumber) : [NaN, NaN];
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new EpyNNError(`${where}: embedding.XScaleRange must be [min, max] with min < max, got ${JSON.stringify(range)}`);
    emb.XScaleRange = [lo, hi];
  }
  const data = json.embedding.data;
  if (data) {
    const names = ['dtrain', 'dval', 'dtest'] as const;
    const sets = names.map((name) => {
      const s = data[name];
      if (!s) return new DataSet(new NDArray(new Float64Array(0), [0]), undefined, name);
      const X = decodeArray(s.X, `${where}: embedding ${name}.X`);
      const Y = s.Y ? decodeArray(s.Y, `${where}: embedding ${name}.Y`) : undefined;
      return new DataSet(X, Y, name);
    });
    [emb.dtrain, emb.dval, emb.dtest] = sets;
    emb.dsets = sets.filter((s) => s.active);
  }

  // (5) Parameters, checked against the architecture by the same steps as the check pass
  if (m.initialized) {
    const outputActivation = layers[layers.length - 1].activation.activate;
    model.trainingLoss = lossFunctions(m.loss, outputActivation);
    const inputShape = json.embedding.inputShape;
    if (!Array.isArray(inputShape)) throw new EpyNNError(`${where}: embedding.inputShape is required for an initialized model`);
    let A = zeros([1, ...inputShape]);
    model.setTraining(false);
    json.layers.forEach((entry, i) => {
      const layer = layers[i];
      const w = `${where}: ${layerWhere(i, entry)}`;
      const saved: Record<string, NDArray> = {};
      for (const [k, a] of Object.entries(entry.params ?? {})) saved[k] = decodeArray(a, `${w}: parameter ${k}`);
      try {
        layer.computeShapes(A);
        layer.initializeParameters(); // expected names and shapes (the random state is restored below)
      } catch (err) {
        throw new EpyNNError(`${w}: the architecture does not fit the stored input shape ${fmt([1, ...inputShape])}: ${(err as Error).message}`, { cause: err });
      }
      for (const k of Object.keys(layer.p)) {
        if (!(k in saved)) throw new EpyNNError(`${w}: parameter ${k} is missing`);
        if (!sameShape(saved[k].shape, layer.p[k].shape)) {
          throw new EpyNNError(`${w}: parameter ${k} has shape ${fmt(saved[k].shape)} but the architecture needs ${fmt(layer.p[k].shape)}`);
        }
      }
      for (const k of Object.keys(saved)) if (!(k in layer.p)) throw new EpyNNError(`${w}: unexpected parameter ${k} (the architecture has ${Object.keys(layer.p).join(', ') || 'none'})`);
      layer.p = saved;
      try {
        A = layer.forward(A);
      } catch (err) {
        throw new EpyNNError(`${w}: forward check failed: ${(err as Error).message}`, { cause: err });
      }
    });
  }

  // (6) Per-layer state as written: dimensions, shapes, seed, random streams
  json.layers.forEach((entry, i) => {
    const layer = layers[i];
    layer.d = Object.fromEntries(Object.entries(entry.d ?? {}).map(([k, v]) => [k, decodeNumber(v)]));
    layer.fs = Object.fromEntries(Object.entries(entry.fs ?? {}).map(([k, v]) => [k, [...v]]));
    layer.bs = Object.fromEntries(Object.entries(entry.bs ?? {}).map(([k, v]) => [k, [...v]]));
    layer.o = { ...(entry.o ?? {}) };
    layer.fc = {};
    layer.bc = {};
    layer.g = {};
    layer.trainable = entry.trainable ?? layer.trainable;
    layer.e = m.e;
    if (entry.rng) layer.rng = restoreRng(entry.rng);
    model.network.set(layer, { Layer: layer.name, Activation: { ...layer.activation }, Dimensions: layer.d, FW_Shapes: layer.fs, BW_Shapes: layer.bs });
  });
  // (7) compat: 'epynn' mode and EpyNN's dtrain order
  if (m.compat !== undefined && m.compat !== null && m.compat !== 'epynn') throw new EpyNNError(`${where}: model.compat must be 'epynn' or null, got ${JSON.stringify(m.compat)}`);
  model.setCompat(m.compat ?? undefined);
  const zip = json.embedding.zipOrder;
  if (zip !== undefined && zip !== null && !(Array.isArray(zip) && zip.every((v) => Number.isInteger(v) && v >= 0))) {
    throw new EpyNNError(`${where}: embedding.zipOrder must be an array of sample indices or null`);
  }
  emb.zipOrder = zip === null || zip === undefined ? undefined : [...zip];
  model.initialized = m.initialized;
  return model;
}

// The network reaches this format through src/network/hooks.ts (it does not import src/io).
setModelFormat({ toJSON: modelToJSON, fromJSON: (json) => modelFromJSON(json) });
