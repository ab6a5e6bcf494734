// Data encoding helpers (EpyNN commons/io.py): one-hot encoding of sequences, feature scaling, image
// padding. Same semantics as EpyNN's functions, with typed errors where NumPy would fail or give NaN.
import { show } from './checks.js';
import { EpyNNError, ShapeError } from '../errors.js';
import { NDArray, type Nested, array, fmt, zeros } from './ndarray.js';

/** An element of a sequence: a word, a character, a number (Python's str, int or float). */
export type Element = string | number;

/** Nested arrays of elements (what EpyNN's X_data holds before encoding). */
export type Elements = Element | readonly Elements[];

/** An encoder `element_to_idx`: a Map (what `indexElementsAuto` returns) or a plain object. */
export type ElementToIdx = ReadonlyMap<Element, number> | Readonly<Record<string, number>>;

/** A decoder `idx_to_element`: a Map (what `indexElementsAuto` returns), an array or a plain object. */
export type IdxToElement = ReadonlyMap<number, Element> | readonly Element[] | Readonly<Record<number, Element>>;

/** Every element of nested arrays (or an NDArray) in order, `X_data.flatten().tolist()`; strings are atoms. */
function flatten(where: string, x: Elements | NDArray): Element[] {
  if (x instanceof NDArray) return Array.from(x.data);
  const out: Element[] = [];
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((e, i) => walk(e, `${path}[${i}]`));
    else if (v instanceof NDArray) out.push(...v.data);
    else if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number') {
      if (Number.isNaN(v)) throw new EpyNNError(`${where}: NaN at ${path || 'top'} cannot be indexed`);
      out.push(v);
    } else throw new EpyNNError(`${where}: expected strings or numbers, got ${show(v)} at ${path || 'top'}`);
  };
  walk(x, '');
  return out;
}

/** Python's sort order for one kind of element: numbers by value, strings by code point. */
function compareElements(a: Element, b: Element): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a), sb = String(b);
  const ca = [...sa], cb = [...sb]; // by code point, as Python compares str
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/**
 * `index_elements_auto(X_data)`: the sorted unique elements of X_data (flattened; a string is one
 * element, as in NumPy) as an encoder element → index, a decoder index → element, and their count.
 * Mixing strings and numbers is an error (Python cannot sort them either).
 */
export function indexElementsAuto(XData: Elements | NDArray): [Map<Element, number>, Map<number, Element>, number] {
  const where = 'indexElementsAuto';
  const all = flatten(where, XData);
  const kinds = new Set(all.map((e) => typeof e));
  if (kinds.size > 1) throw new EpyNNError(`${where}: XData mixes strings and numbers, which have no common order (as in Python)`);
  const elements = [...new Set(all)].sort(compareElements);
  const elementToIdx = new Map(elements.map((e, i) => [e, i] as [Element, number]));
  const idxToElement = new Map(elements.map((e, i) => [i, e] as [number, Element]));
  return [elementToIdx, idxToElement, elements.length];
}

/**
 * `scale_features(X_data)`: (X − min) / (max − min) over the whole array, into [0, 1]. Constant data
 * (EpyNN: 0/0 = NaN) and non-finite values are errors. XData is never written to.
 */
export function scaleFeatures(XData: NDArray | Nested): NDArray {
  const where = 'scaleFeatures';
  const X = XData instanceof NDArray ? XData : array(XData);
  if (X.size === 0) throw new EpyNNError(`${where}: XData is empty (shape ${fmt(X.shape)})`);
  let lo = Infinity, hi = -Infinity;
  for (const v of X.data) {
    if (!Number.isFinite(v)) throw new EpyNNError(`${where}: XData holds a non-finite value (${v})`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) throw new EpyNNError(`${where}: every value of XData is ${lo}, so (max − min) is 0 and the scaling is undefined`);
  const out = new Float64Array(X.size);
  for (let i = 0; i < out.length; i++) out[i] = (X.data[i] - lo) / (hi - lo);
  return new NDArray(out, X.shape);
}

/** `one_hot_encode(i, elements_size)`: zeros (elements_size,) with 1 at i (negative i counts from the end, as NumPy). */
export function oneHotEncode(i: number, elementsSize: number): NDArray {
  const where = 'oneHotEncode';
  if (!Number.isInteger(elementsSize) || elementsSize < 0) throw new EpyNNError(`${where}: elementsSize must be a non-negative integer, got ${show(elementsSize)}`);
  if (!Number.isInteger(i) || i < -elementsSize || i >= elementsSize) {
    throw new EpyNNError(`${where}: index ${String(i)} is out of bounds for elementsSize ${elementsSize}`);
  }
  const oneHot = zeros([elementsSize]);
  oneHot.data[i < 0 ? i + elementsSize : i] = 1.0; // Set 1 at index assigned to word
  return oneHot;
}

/** The index of one element in an encoder; throws (Python: KeyError) when it is not there. */
function indexOf(where: string, elementToIdx: ElementToIdx, word: Element): number {
  const i = elementToIdx instanceof Map ? elementToIdx.get(word) : Object.hasOwn(elementToIdx, word) ? (elementToIdx as Record<string, number>)[word] : undefined;
  if (i === undefined) throw new EpyNNError(`${where}: element ${JSON.stringify(word)} is not in elementToIdx`);
  return i;
}

/** The elements of one sequence: an array, an NDArray's values, or a string's characters (as Python iterates a str). */
function elementsOf(where: string, sequence: unknown): Element[] {
  if (typeof sequence === 'string') return [...sequence];
  if (sequence instanceof NDArray) return Array.from(sequence.data);
  if (Array.isArray(sequence)) return sequence as Element[];
  throw new EpyNNError(`${where}: a sequence must be an array, an NDArray or a string, got ${show(sequence)}`);
}

/** `one_hot_encode_sequence(sequence, element_to_idx, elements_size)`: (s, elements_size), one row per element. */
export function oneHotEncodeSequence(sequence: readonly Element[] | string | NDArray, elementToIdx: ElementToIdx, elementsSize: number): NDArray {
  const where = 'oneHotEncodeSequence';
  const words = elementsOf(where, sequence);
  const out = zeros([words.length, elementsSize]);
  words.forEach((word, s) => out.data.set(oneHotEncode(indexOf(where, elementToIdx, word), elementsSize).data, s * elementsSize));
  return out;
}

/** `one_hot_decode_sequence(sequence, idx_to_element)`: the element of each row's argmax (first on ties, as np.argmax). */
export function oneHotDecodeSequence(sequence: NDArray | readonly (NDArray | readonly number[])[], idxToElement: IdxToElement): Element[] {
  const where = 'oneHotDecodeSequence';
  let rows: Float64Array[] | number[][];
  if (sequence instanceof NDArray) {
    if (sequence.ndim !== 2) throw new ShapeError(`${where}: sequence must be 2-D (s, elements), got shape ${fmt(sequence.shape)}`);
    const [s, k] = sequence.shape;
    rows = Array.from({ length: s }, (_, i) => sequence.data.subarray(i * k, (i + 1) * k));
  } else if (Array.isArray(sequence)) {
    rows = sequence.map((r, i) => {
      if (r instanceof NDArray) return r.data;
      if (Array.isArray(r)) return r as number[];
      throw new EpyNNError(`${where}: row ${i} must be an array of numbers, got ${show(r)}`);
    }) as number[][];
  } else throw new EpyNNError(`${where}: sequence must be an NDArray or an array of rows, got ${show(sequence)}`);
  return rows.map((row, s) => {
    if (row.length === 0) throw new EpyNNError(`${where}: row ${s} is empty`);
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[best] || (Number.isNaN(row[j]) && !Number.isNaN(row[best]))) best = j;
    const e = idxToElement instanceof Map ? idxToElement.get(best) : (idxToElement as Record<number, Element>)[best];
    if (e === undefined) throw new EpyNNError(`${where}: index ${best} (row ${s}) is not in idxToElement`);
    return e;
  });
}

/** `encode_dataset(X_data, element_to_idx, elements_size)`: one (s, elements_size) array per sequence. */
export function encodeDataset(XData: readonly (readonly Element[] | string | NDArray)[] | NDArray, elementToIdx: ElementToIdx, elementsSize: number): NDArray[] {
  const where = 'encodeDataset';
  const sequences = XData instanceof NDArray ? Array.from({ length: XData.shape[0] ?? 0 }, (_, i) => XData.row(i)) : XData;
  if (!Array.isArray(sequences)) throw new EpyNNError(`${where}: XData must be an array of sequences or an NDArray, got ${show(XData)}`);
  // Iterate over sequences
  return sequences.map((sequence) => oneHotEncodeSequence(sequence, elementToIdx, elementsSize));
}

/**
 * `padding(X_data, padding, forward)`: images (m, h, w, d) with `padding` zeros added on each side of
 * h and w, or with forward = false that many removed. padding = 0 returns XData itself, as EpyNN does.
 */
export function padding(XData: NDArray, pad: number, forward = true): NDArray {
  const where = 'padding';
  if (!(XData instanceof NDArray) || XData.ndim !== 4) {
    throw new ShapeError(`${where}: XData must be a 4-D array of images (m, h, w, d), got ${XData instanceof NDArray ? `shape ${fmt(XData.shape)}` : typeof XData}`);
  }
  if (!Number.isInteger(pad) || pad < 0) throw new EpyNNError(`${where}: padding must be a non-negative integer, got ${show(pad)}`);
  if (pad === 0) return XData;
  const [m, h, w, d] = XData.shape;
  if (!forward && (h <= 2 * pad || w <= 2 * pad)) {
    throw new ShapeError(`${where}: cannot remove padding ${pad} from images of shape ${fmt(XData.shape)} (h and w must exceed ${2 * pad})`);
  }
  const out = forward ? zeros([m, h + 2 * pad, w + 2 * pad, d]) : zeros([m, h - 2 * pad, w - 2 * pad, d]);
  const [, H, W] = out.shape;
  for (let im = 0; im < m; im++) {
    if (forward) {
      // Pad image: each input row (im, i, :, :) goes to (im, i + p, p : p + w, :)
      for (let i = 0; i < h; i++) {
        const src = (im * h + i) * w * d;
        out.data.set(XData.data.subarray(src, src + w * d), ((im * H + i + pad) * W + pad) * d);
      }
    } else {
      // Remove padding: output row (im, i, :, :) is (im, i + p, p : w - p, :)
      for (let i = 0; i < H; i++) {
        const src = ((im * h + i + pad) * w + pad) * d;
        out.data.set(XData.data.subarray(src, src + W * d), (im * H + i) * W * d);
      }
    }
  }
  return out;
}
