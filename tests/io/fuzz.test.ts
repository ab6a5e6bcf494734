// Fuzzed model files: every mutation of a real model either fails with a ModelFileError (never a
// plain TypeError/RangeError, never the reader's "unexpected error" fallback) or gives a model that
// predicts exactly as the original. Seeded: a failure reproduces with the printed case number.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/errors.js';
import { seededRng, type Rng } from '../../src/commons/rng.js';
import { type ModelJSON, modelChecksum, modelFromJSON } from '../../src/io/library.js';
import type { EpyNN } from '../../src/network/models.js';
import { readModel } from '../../src/node/fs.js';
import { imageData, imageModel, sequenceData, sequenceModel } from './models.js';

/** Mutations per family: the image model gets the full counts, the sequence model a share. */
const FULL = { bytes: 1000, summed: 300, signed: 1000 };
const SHARE = { bytes: 300, summed: 100, signed: 400 };

type Outcome = { rejected: number; accepted: number; renamedElements: number; allowRenamedElements: boolean; messages: Set<string> };

/** Loads `input`; a ModelFileError counts as rejected, a model must predict bit-identically. */
function check(load: () => EpyNN, predict: (m: EpyNN) => Float64Array, expected: Float64Array, label: string, out: Outcome): void {
  let model: EpyNN;
  try {
    model = load();
  } catch (err) {
    if (!(err instanceof ModelFileError) || (err as Error).message.includes('unexpected error while reading')) {
      throw new Error(`${label}: expected a ModelFileError, got ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
    }
    out.rejected++;
    out.messages.add((err as Error).message.replace(/^readModel\([^)]*\): /, '').replace(/[0-9a-f]{8}/g, '#').slice(0, 60));
    return;
  }
  let got: Float64Array;
  try {
    got = predict(model);
  } catch (err) {
    // The one edit no check can see: renaming an element of the XEncode vocabulary (a re-signed file
    // that maps "T" to another name is a consistent model of another vocabulary). It is refused when
    // predicting, by name.
    if (out.allowRenamedElements && /^EpyNN\.predict: element '[ACGT]' of sample \d+ was not seen when the encoding was built$/.test((err as Error).message)) {
      out.renamedElements++;
      return;
    }
    throw new Error(`${label}: the mutated file loaded but predict fails: ${(err as Error).message}`, { cause: err });
  }
  if (got.length !== expected.length || !got.every((v, i) => Object.is(v, expected[i]))) {
    throw new Error(`${label}: the mutated file loaded but predicts differently`);
  }
  out.accepted++;
}

const CHARS = '{}[]":,0123456789.-+eE aAzZ\\/nultrfs';

/** One random edit of the text: change, delete, insert or duplicate characters. */
function mutateText(text: string, rng: Rng): string {
  const i = Math.floor(rng.uniform() * text.length);
  const op = Math.floor(rng.uniform() * 5);
  const ch = (): string => CHARS[Math.floor(rng.uniform() * CHARS.length)];
  if (op === 0) return text.slice(0, i) + ch() + text.slice(i + 1);
  if (op === 1) return text.slice(0, i) + text.slice(i + 1 + Math.floor(rng.uniform() * 4));
  if (op === 2) return text.slice(0, i) + ch() + text.slice(i);
  if (op === 3) return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << Math.floor(rng.uniform() * 7))) + text.slice(i + 1);
  const j = Math.min(text.length, i + 1 + Math.floor(rng.uniform() * 40));
  return text.slice(0, j) + text.slice(i, j) + text.slice(j);
}

const VALUES: unknown[] = [
  null, 0, -1, 1, 2, 1.5, 1e9, -1e9, 1e308, 2 ** 31, 'NaN', 'Infinity', '', 'x', 'model', 'max', true, false,
  [], {}, [1], [0, 0], [1, 2, 3], [-1, 2], { a: 1 }, [[1, 2]],
];

/** Every (container, key) pair of the document. */
function slots(doc: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), walk(x)));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k]), walk(x));
  };
  walk(doc);
  return out;
}

/** One random structural edit: delete, replace, tweak a number, rename a key, drop or copy an array entry. */
function mutateStructure(doc: ModelJSON, rng: Rng): string {
  const all = slots(doc);
  const [box, key] = all[Math.floor(rng.uniform() * all.length)];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];
  const value = (box as Record<string | number, unknown>)[key];
  const op = Math.floor(rng.uniform() * 6);
  const where = `${String(key)} (op ${op}, was ${JSON.stringify(value)?.slice(0, 50)})`;
  if (Array.isArray(box)) {
    const i = key as number;
    if (op === 0) box.splice(i, 1);
    else if (op === 1) box.splice(i, 0, structuredClone(box[i]));
    else if (op === 2 && typeof value === 'number') box[i] = pick([value + 1, value - 1, value * 2, -value, value + 1e-12]);
    else box[i] = structuredClone(pick(VALUES));
    return `[${where}] -> ${JSON.stringify(box[i])?.slice(0, 50)}`;
  }
  const obj = box as Record<string, unknown>;
  if (op === 0) delete obj[key as string];
  else if (op === 1) {
    const renamed = pick(['__proto__', 'constructor', 'zz', `${key as string}_`, 'X', 'W', 'm']);
    Object.defineProperty(obj, renamed, { value, enumerable: true, configurable: true, writable: true });
    delete obj[key as string];
  } else if (op === 2 && typeof value === 'number') obj[key as string] = pick([value + 1, value - 1, value * 2, -value, value + 1e-12]);
  else if (op === 3 && typeof value === 'string' && value.length > 0) obj[key as string] = value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A');
  else obj[key as string] = structuredClone(pick(VALUES));
  return `.${where} -> ${JSON.stringify(obj[key as string])?.slice(0, 50)}`;
}

function fuzz(name: string, model: EpyNN, X: unknown, XEncode: boolean, n: typeof FULL): void {
  const { bytes: N_BYTES, summed: N_SUMMED, signed: N_STRUCT } = n;
  const predict = (m: EpyNN): Float64Array => m.predict(X as never, { XEncode }).A.data;
  const expected = predict(model);
  const json = model.toJSON();
  const text = JSON.stringify(json);

  it(`${name}: ${N_BYTES} byte mutations of the file text (checksum on)`, () => {
    const rng = seededRng(`fuzz-bytes:${name}`);
    const out: Outcome = { rejected: 0, accepted: 0, renamedElements: 0, allowRenamedElements: false, messages: new Set() };
    for (let c = 0; c < N_BYTES; c++) {
      let mutated = text;
      const edits = 1 + Math.floor(rng.uniform() * 3);
      for (let k = 0; k < edits; k++) mutated = mutateText(mutated, rng);
      check(() => modelFromJSON(mutated), predict, expected, `${name} byte case ${c}`, out);
    }
    expect(out.rejected + out.accepted).toBe(N_BYTES);
    expect(out.rejected).toBeGreaterThan(N_BYTES * 0.9);
  });

  it(`${name}: ${N_SUMMED} structural mutations (checksum on)`, () => {
    const rng = seededRng(`fuzz-struct-sum:${name}`);
    const out: Outcome = { rejected: 0, accepted: 0, renamedElements: 0, allowRenamedElements: false, messages: new Set() };
    for (let c = 0; c < N_SUMMED; c++) {
      const doc = JSON.parse(text) as ModelJSON;
      const what = mutateStructure(doc, rng);
      check(() => modelFromJSON(c % 2 === 0 ? JSON.stringify(doc) : doc), predict, expected, `${name} structural case ${c} (${what})`, out);
    }
    expect(out.rejected + out.accepted).toBe(N_SUMMED);
    expect(out.rejected).toBeGreaterThan(N_SUMMED * 0.9);
  });

  it(`${name}: ${N_STRUCT} structural mutations, re-signed (the schema check alone)`, () => {
    const rng = seededRng(`fuzz-struct:${name}`);
    const out: Outcome = { rejected: 0, accepted: 0, renamedElements: 0, allowRenamedElements: true, messages: new Set() };
    for (let c = 0; c < N_STRUCT; c++) {
      const doc = JSON.parse(text) as ModelJSON;
      const edits = 1 + Math.floor(rng.uniform() * 2);
      const what: string[] = [];
      for (let k = 0; k < edits; k++) what.push(mutateStructure(doc, rng));
      // half through the text (JSON.parse turns "__proto__" into an own key), half as an object
      let signed: ModelJSON | string;
      try {
        signed = { ...doc, checksum: modelChecksum(doc) };
      } catch {
        signed = doc;
      }
      const input = c % 2 === 0 ? JSON.stringify(signed) : signed;
      check(() => modelFromJSON(input as ModelJSON | string), predict, expected, `${name} structural case ${c} (${what.join('; ')})`, out);
    }
    expect(out.rejected + out.accepted + out.renamedElements).toBe(N_STRUCT);
    expect(out.renamedElements).toBeLessThan(N_STRUCT * 0.01);
    // many different reasons: the schema, not one catch-all, rejects them
    expect(out.messages.size).toBeGreaterThan(N_STRUCT / 20);
    expect(out.accepted).toBeGreaterThan(0); // e.g. a new name, a different learning rate: same predictions
  });
}

describe('fuzzed files through readModel (raw bytes: invalid UTF-8, truncation)', () => {
  it('200 files with flipped, dropped or cut bytes', () => {
    const model = imageModel(4).train({ epochs: 1, quiet: true });
    const X = imageData(3, 9).X;
    const expected = model.predict(X).A.data;
    const bytes = Buffer.from(JSON.stringify(model.toJSON()), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'epynn-fuzz-'));
    const rng = seededRng('fuzz-files');
    const out: Outcome = { rejected: 0, accepted: 0, renamedElements: 0, allowRenamedElements: false, messages: new Set() };
    for (let c = 0; c < 200; c++) {
      let b = Buffer.from(bytes);
      const i = Math.floor(rng.uniform() * b.length);
      const op = c % 4;
      if (op === 0) b[i] ^= 0x80 | (1 << Math.floor(rng.uniform() * 7)); // often invalid UTF-8
      else if (op === 1) b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
      else if (op === 2) b = b.subarray(0, i);
      else b[i] = Math.floor(rng.uniform() * 256);
      const path = join(dir, `m${c}.json`);
      writeFileSync(path, b);
      check(() => readModel(path), (m) => m.predict(X).A.data, expected, `file case ${c}`, out);
    }
    expect(out.rejected).toBeGreaterThan(190);
    expect([...out.messages].some((m) => m.includes('not UTF-8'))).toBe(true);
  });
});

describe('fuzzed model files', () => {
  const image = imageModel(3).train({ epochs: 1, quiet: true });
  fuzz('image (Convolution, Pooling, Dropout, Flatten, Dense)', image, imageData(4, 8).X, false, FULL);
  const seq = sequenceModel(3).train({ epochs: 1, quiet: true });
  fuzz('sequence (RNN, LSTM, GRU, Dropout, Dense, elements)', seq, sequenceData(4, 8).X, true, SHARE);
});
