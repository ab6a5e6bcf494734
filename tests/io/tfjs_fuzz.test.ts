// Fuzzed TF.js models (issue 22), beside the model-file fuzz: every mutation of a real export's
// model.json (topology, weights manifest, metadata) or of its weight bytes either fails with an
// EpyNNError (never a plain TypeError/RangeError, never a runaway allocation) or gives a model that
// predicts exactly as the unmutated import, but for edits that make another valid model (a listed
// set of keys: an activation, a stride, ...), which must then predict finite numbers. Seeded.
import { describe, expect, it } from 'vitest';
import { EpyNNError } from '../../src/errors.js';
import { type Rng, seededRng } from '../../src/commons/rng.js';
import { type TFJSModelJSON, fromTFJS, toTFJS } from '../../src/io/tfjs.js';
import type { EpyNN } from '../../src/network/models.js';
import { imageData, imageModel, sequenceData, sequenceModel } from './models.js';

const VALUES: unknown[] = [
  null, 0, -1, 1, 2, 1.5, 1e9, -1e9, 1e308, 2 ** 31, -(2 ** 31), 'NaN', 'Infinity', '', 'x', 'relu', 'linear', 'valid', 'same', true, false,
  [], {}, [1], [0, 0], [1, 2, 3], [-1, 2], [null, 1e7], [null, -3], [2, 2], { a: 1 }, [[1, 2]], 'float32', 'int32',
];
/** Keys whose edit may give another valid model (it then predicts otherwise, but finite). */
const MEANINGFUL = new Set([
  'activation', 'recurrent_activation', 'alpha', 'negative_slope', 'use_bias', 'strides', 'pool_size', 'padding', 'class_name',
  'return_sequences', 'XScale', 'XScaleRange', 'YEncode', 'labelColumns', 'elements', 'epynn', 'userDefinedMetadata', 'rate',
]);

type Slot = [Record<string, unknown> | unknown[], string | number, string];
/** Every (container, key, path) of the document. */
function slots(doc: unknown): Slot[] {
  const out: Slot[] = [];
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i, `${path}[${i}]`]), walk(x, `${path}[${i}]`)));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k, `${path}.${k}`]), walk(x, `${path}.${k}`));
  };
  walk(doc, '');
  return out;
}

/** One structural edit; returns its description and the keys on its path. */
function mutate(doc: unknown, rng: Rng): { what: string; keys: string[] } {
  const all = slots(doc);
  const [box, key, path] = all[Math.floor(rng.uniform() * all.length)];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];
  const value = (box as Record<string | number, unknown>)[key];
  const op = Math.floor(rng.uniform() * 6);
  const keys = path.split(/[.[\]]+/).filter((k) => k !== '' && !/^\d+$/.test(k));
  if (Array.isArray(box)) {
    const i = key as number;
    if (op === 0) box.splice(i, 1);
    else if (op === 1) box.splice(i, 0, structuredClone(box[i]));
    else if (op === 2 && typeof value === 'number') box[i] = pick([value + 1, value - 1, value * 2, -value, value * 1e6]);
    else box[i] = structuredClone(pick(VALUES));
    return { what: `${path} op ${op}`, keys };
  }
  const obj = box as Record<string, unknown>;
  if (op === 0) delete obj[key as string];
  else if (op === 1) {
    obj[pick(['zz', `${key as string}_`, 'name', 'shape', 'paths'])] = value;
    delete obj[key as string];
  } else if (op === 2 && typeof value === 'number') obj[key as string] = pick([value + 1, value - 1, value * 2, -value, value * 1e6]);
  else obj[key as string] = structuredClone(pick(VALUES));
  return { what: `${path} op ${op}`, keys };
}

/** One edit of the weight bytes: cut, extend, or a float set to NaN / Infinity / a large value. */
function mutateBytes(bytes: Uint8Array, rng: Rng): { data: Uint8Array; what: string; changesValues: boolean } {
  const op = Math.floor(rng.uniform() * 4);
  if (op === 0) {
    const n = Math.floor(rng.uniform() * bytes.length);
    return { data: bytes.slice(0, n), what: `cut to ${n}`, changesValues: false };
  }
  if (op === 1) {
    const out = new Uint8Array(bytes.length + 1 + Math.floor(rng.uniform() * 8));
    out.set(bytes);
    return { data: out, what: `extended to ${out.length}`, changesValues: false };
  }
  const out = bytes.slice();
  const i = Math.floor(rng.uniform() * (bytes.length / 4));
  const v = [NaN, Infinity, -Infinity, 3.4e38][Math.floor(rng.uniform() * 4)];
  new DataView(out.buffer).setFloat32(i * 4, v, true);
  return { data: out, what: `float ${i} = ${v}`, changesValues: Number.isFinite(v) };
}

function fuzz(name: string, model: EpyNN, X: unknown, XEncode: boolean, N: number): void {
  const { modelJSON, weightData } = toTFJS(model);
  const text = JSON.stringify(modelJSON);
  const bytes = new Uint8Array(weightData);
  const predict = (m: EpyNN): Float64Array => m.predict(X as never, { XEncode }).A.data;
  const expected = predict(fromTFJS(text, bytes));
  const sameOut = (a: Float64Array): boolean => a.length === expected.length && a.every((v, i) => Object.is(v, expected[i]));

  it(`${name}: ${N} mutated topologies and manifests, ${Math.round(N / 4)} mutated weight files`, () => {
    const rng = seededRng(`tfjs-fuzz:${name}`);
    const tally = { rejected: 0, same: 0, other: 0 };
    const messages = new Set<string>();
    const run = (label: string, load: () => EpyNN, meaningful: boolean): void => {
      let m: EpyNN;
      try {
        m = load();
      } catch (err) {
        if (!(err instanceof EpyNNError)) throw new Error(`${label}: expected an EpyNNError, got ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
        tally.rejected++;
        messages.add(err.message.replace(/\d+/g, '#').slice(0, 50));
        return;
      }
      let out: Float64Array;
      try {
        out = predict(m);
      } catch (err) {
        if (!(err instanceof EpyNNError)) throw new Error(`${label}: loaded, but predict throws ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
        expect(meaningful, `${label}: loaded, but predict refuses: ${(err as Error).message}`).toBe(true);
        tally.rejected++;
        return;
      }
      if (sameOut(out)) {
        tally.same++;
        return;
      }
      expect(meaningful, `${label}: loaded and predicts otherwise`).toBe(true);
      expect(out.every(Number.isFinite), `${label}: predicts non-finite numbers`).toBe(true);
      tally.other++;
    };
    for (let c = 0; c < N; c++) {
      const doc = JSON.parse(text) as TFJSModelJSON;
      const edits = 1 + Math.floor(rng.uniform() * 2);
      const done = Array.from({ length: edits }, () => mutate(doc, rng));
      const meaningful = done.some((d) => d.keys.some((k) => MEANINGFUL.has(k)));
      const label = `${name} case ${c} (${done.map((d) => d.what).join('; ')})`;
      run(label, () => fromTFJS(c % 2 === 0 ? JSON.stringify(doc) : doc, bytes), meaningful);
    }
    for (let c = 0; c < N / 4; c++) {
      const { data, what, changesValues } = mutateBytes(bytes, rng);
      run(`${name} weights case ${c} (${what})`, () => fromTFJS(text, data), changesValues);
    }
    expect(tally.rejected + tally.same + tally.other).toBe(N + Math.ceil(N / 4));
    expect(tally.rejected).toBeGreaterThan(N * 0.4);
    expect(messages.size).toBeGreaterThan(30); // many reasons, not one catch-all
  });
}

describe('fuzzed TF.js models: a typed error or the same predictions', () => {
  fuzz('image (ZeroPadding-free Conv2D, MaxPooling2D, Dropout, Flatten, Dense)', imageModel(3), imageData(3, 9).X, false, 700);
  fuzz('sequence (SimpleRNN, LSTM, GRU, Dropout, Dense, elements)', sequenceModel(3), sequenceData(3, 9).X, true, 400);
});
