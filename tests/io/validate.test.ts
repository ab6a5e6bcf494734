// Model files are checked whole before anything is built: the checksum over the canonical document,
// every field's type and range, prototype keys, version 1 files, and readModel's limits on paths.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EpyNNError, ModelFileError } from '../../src/errors.js';
import { canonicalJSON, FORMAT_VERSION, type ModelJSON, modelChecksum, modelFromJSON, parseModelJSON } from '../../src/io/library.js';
import { EpyNN } from '../../src/network/models.js';
import { readModel } from '../../src/node/fs.js';
import { crc32Text } from '../../src/io/bytes.js';
import { throwsWith } from '../helpers/errors.js';
import { imageData, imageModel } from './models.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-validate-'));
const model = imageModel(2).train({ epochs: 2, quiet: true });
const base = model.toJSON();
const clone = (): ModelJSON => JSON.parse(JSON.stringify(base)) as ModelJSON;
const signed = (json: ModelJSON): ModelJSON => ({ ...json, checksum: modelChecksum(json) });
/** Loads an edited document, re-signed so that the schema (not the checksum) must catch the edit. */
const load = (edit: (j: ModelJSON & Record<string, any>) => void): EpyNN => {
  const json = clone();
  edit(json as ModelJSON & Record<string, any>);
  return modelFromJSON(signed(json));
};

describe('one checksum over the whole document (version 2)', () => {
  it('is written, and any edit outside the parameters is caught', () => {
    expect(base.version).toBe(FORMAT_VERSION);
    expect(FORMAT_VERSION).toBe(3);
    expect(base.checksum).toMatch(/^crc32:[0-9a-f]{8}$/);
    expect(modelChecksum(base)).toBe(base.checksum);
    const edits: [string, (j: any) => void][] = [
      ['created', (j) => (j.created = '2000-01-01T00:00:00.000Z')],
      ['Pooling d.ph 2 -> 1', (j) => (j.layers[2].d.ph = 1)],
      ['Dropout d.d', (j) => (j.layers[3].d.d = 1)],
      ['trainable', (j) => (j.layers[1].trainable = false)],
      ['rng', (j) => (j.layers[3].rng.alea.s0 = 0.5)],
      ['seHPars', (j) => (j.model.seHPars.learning_rate = 1e6)],
      ['fs', (j) => (j.layers[1].fs.X = [9, 9, 9, 9])],
      ['a deleted layer', (j) => j.layers.pop()],
      ['initialized', (j) => (j.model.initialized = false)],
    ];
    for (const [what, edit] of edits) {
      const json = clone();
      edit(json);
      throwsWith(() => modelFromJSON(json), ModelFileError, /^EpyNN\.fromJSON: checksum mismatch \(file says 'crc32:[0-9a-f]{8}', content gives crc32:[0-9a-f]{8}\): the file is corrupted or was edited$/);
      expect(what).toBeTruthy();
    }
  });

  it('is the CRC-32 of the canonical text (computed in pieces, checked against the whole string)', () => {
    const withData = model.toJSON({ includeData: true }) as ModelJSON & Record<string, any>;
    withData.model.name = 'modèle 日本 🙂';
    withData.model.metrics.CCE[1][0] = 'NaN';
    // long strings (the arrays' base64 takes a fast path) with and without characters JSON escapes
    const long = 'QUJD'.repeat(100);
    const strings = { plain: long, quote: `${long}"${long}`, backslash: `${long}\\`, control: `\n${long}`, lone: `${long}\ud800`, pair: `${long}🙂`, accents: `é${long}` };
    const withStrings = { ...base, extra: strings };
    for (const doc of [base, withData, withStrings]) expect(modelChecksum(doc)).toBe(`crc32:${crc32Text(canonicalJSON(doc))}`);
    expect(modelChecksum(withData)).not.toBe(modelChecksum(base));
  });

  it('is computed on the canonical form: key order and whitespace do not matter', () => {
    const reordered = JSON.parse(JSON.stringify(base, null, 2)) as Record<string, unknown>;
    const shuffled = Object.fromEntries(Object.entries(reordered).reverse());
    expect(canonicalJSON(shuffled)).toBe(canonicalJSON(base));
    expect(canonicalJSON(base)).not.toContain('"checksum"');
    const loaded = modelFromJSON(JSON.stringify(shuffled, null, 1) as string);
    expect([...loaded.predict(imageData(3, 5).X).A.data]).toEqual([...model.predict(imageData(3, 5).X).A.data]);
  });

  it('a version 1 file (no whole checksum) is still read and predicts as written', () => {
    const text = readFileSync(join(__dirname, '../fixtures/io/image-v1.json'), 'utf8');
    const expected = JSON.parse(readFileSync(join(__dirname, '../fixtures/io/image-v1.predict.json'), 'utf8')) as { seed: number; n: number; A: number[] };
    expect(JSON.parse(text).version).toBe(1);
    const v1 = modelFromJSON(text);
    expect([...v1.predict(imageData(expected.n, expected.seed).X).A.data]).toEqual(expected.A);
    // the schema check applies to version 1 too
    const edited = JSON.parse(text);
    edited.layers[2].d.ph = 1;
    throwsWith(() => modelFromJSON(edited), ModelFileError, 'EpyNN.fromJSON: layer 2 (Pooling): d.ph is 1 but the architecture gives 2');
  });
});

describe('the schema: every field checked before anything is built (edits re-signed)', () => {
  const cases: [string, (j: any) => void, string | RegExp][] = [
    ['Pooling window in d', (j) => (j.layers[2].d.ph = 1), 'layer 2 (Pooling): d.ph is 1 but the architecture gives 2'],
    ['Dropout rate in d', (j) => (j.layers[3].d.d = 1), 'layer 3 (Dropout): d.d is 1 but the architecture gives 0.25'],
    ['unknown dimension', (j) => (j.layers[1].d.zz = 3), 'layer 1 (Convolution): d.zz is not a dimension of this layer'],
    ['missing dimension', (j) => delete j.layers[1].d.fh, 'layer 1 (Convolution): d.fh is missing (the architecture gives 2)'],
    ['fs of a parameter', (j) => (j.layers[5].fs.W = [13, 2]), 'layer 5 (Dense): fs.W is (13, 2) but the architecture gives (12, 2)'],
    ['fs of data', (j) => (j.layers[1].fs.X = [8, 6, 7, 2]), 'layer 1 (Convolution): fs.X is (8, 6, 7, 2) but the architecture gives (1, 6, 6, 2) (any sample count)'],
    ['unknown fs', (j) => (j.layers[1].fs.Q = [1]), 'layer 1 (Convolution): fs.Q is not a forward shape of this layer'],
    ['a deleted output layer', (j) => j.layers.pop(), 'EpyNN.fromJSON: CCE can not be used with undefined activation'],
    ['a deleted output layer (MSE)', (j) => (j.layers.pop(), (j.model.loss = 'MSE'), (j.model.metrics = {})), 'EpyNN.fromJSON: embedding.labelColumns is 2 but the output layer gives 12 values per sample'],
    ['a deleted middle layer', (j) => j.layers.splice(4, 1), /layer 4 \(Dense\): computeShapes failed on the stored input shape \(1, 6, 6, 2\): Dense: /],
    ['epochsDone 1e9', (j) => (j.model.epochsDone = 1e9), 'model.epochsDone: must be <= 1000000, got 1000000000'],
    ['epochsDone NaN text', (j) => (j.model.epochsDone = 'NaN'), "model.epochsDone: expected a finite number, got 'NaN'"],
    ['epochs fractional', (j) => (j.model.epochs = 2.5), 'model.epochs: expected an integer, got 2.5'],
    ['e beyond epochs', (j) => (j.model.e = 50), 'model.e: must be <= 2, got 50'],
    ['metrics longer than epochsDone', (j) => j.model.metrics.CCE[0].push(1), 'model.metrics.CCE[0]: 3 values for 2 epochs done'],
    ['unknown metric', (j) => (j.model.metrics.nope = [[], [], []]), 'model.metrics.nope: unknown metric'],
    ['learning rate as text', (j) => (j.model.seHPars.learning_rate = '0.1'), "model.seHPars.learning_rate: expected a finite number, got '0.1'"],
    ['negative learning rate', (j) => (j.model.seHPars.learning_rate = -1), 'model.seHPars.learning_rate: must be >= 0, got -1'],
    ['unknown hyperparameter', (j) => (j.model.seHPars.momentum = 0.9), 'model.seHPars.momentum: unknown field'],
    ['unknown schedule', (j) => (j.model.seHPars.schedule = 'cosine'), 'model.seHPars.schedule: expected one of'],
    ['layer seHPars', (j) => (j.layers[1].seHPars = { learning_rate: 1 }), 'layers[1].seHPars.schedule: missing'],
    ['trainable as text', (j) => (j.layers[1].trainable = 'yes'), "layers[1].trainable: expected true or false, got 'yes'"],
    ['initialized as number', (j) => (j.model.initialized = 1), 'model.initialized: expected true or false, got 1'],
    ['uninitialized with parameters', (j) => (j.model.initialized = false), 'model.initialized is false but the layers hold parameters'],
    ['rng fraction', (j) => (j.layers[3].rng.alea.s1 = 1.5), 'layers[3].rng.alea.s1: must be < 1, got 1.5'],
    ['rng carry', (j) => (j.layers[3].rng.alea.c = -1), 'layers[3].rng.alea.c: must be >= 0, got -1'],
    ['rng missing', (j) => delete j.layers[3].rng, 'layers[3].rng: missing'],
    ['rng spare', (j) => (j.layers[3].rng.spare = 'x'), "layers[3].rng.spare: expected a finite number, got 'x'"],
    ['layer count 0', (j) => (j.layers = []), 'layers: expected 1 to 10000 layers, got 0'],
    ['unknown top-level field', (j) => (j.extra = 1), 'extra: unknown field'],
    ['unknown layer field', (j) => (j.layers[1].extra = 1), 'layers[1].extra: unknown field'],
    ['inputShape', (j) => (j.embedding.inputShape = [6, -6, 2]), 'embedding.inputShape[1]: must be >= 1, got -6'],
    ['inputShape null', (j) => (j.embedding.inputShape = null), 'embedding.inputShape: required for an initialized model, got null'],
    ['labelColumns', (j) => (j.embedding.labelColumns = 0), 'embedding.labelColumns: must be >= 1, got 0'],
    ['elements', (j) => (j.embedding.elements = [['A', 1]]), 'embedding.elements[0][1]: expected the index 0'],
    ['parameter dtype', (j) => (j.layers[5].params.W.dtype = 'float32'), "layers[5].params.W.dtype: expected \"float64le\", got 'float32'"],
    ['parameter shape huge', (j) => (j.layers[5].params.W.shape = [1e6, 1e6]), 'layers[5].params.W.shape: shape of 1000000000000 elements'],
    ['loss', (j) => (j.model.loss = 'hinge'), 'model.loss: expected one of'],
    ['seed', (j) => (j.model.seed = 1.5), 'model.seed: expected an integer, got 1.5'],
  ];
  for (const [what, edit, message] of cases) {
    it(what, () => throwsWith(() => load(edit), ModelFileError, message));
  }

  it('__proto__, constructor and prototype keys are refused anywhere', () => {
    const text = JSON.stringify(signed(clone()));
    const at = [
      ['"type":"Embedding","config":{', '"type":"Embedding","config":{"__proto__":{"units":7},'],
      ['"metrics":{', '"metrics":{"constructor":[[],[],[]],'],
      ['"model":{', '"model":{"prototype":1,'],
      ['"d":{', '"d":{"__proto__":null,'],
    ];
    for (const [find, replace] of at) {
      const bad = text.replace(find, replace);
      expect(bad).not.toBe(text);
      throwsWith(() => modelFromJSON(bad), ModelFileError, /: the key "(__proto__|constructor|prototype)" is not allowed in a model file$/);
    }
    // metrics: ['__proto__'] given as an object key (what initialize would produce)
    const json = JSON.parse(text);
    json.model.metrics = JSON.parse('{"__proto__": [[], [], []]}');
    throwsWith(() => modelFromJSON(signed(json)), ModelFileError, 'model.metrics.__proto__: the key "__proto__" is not allowed');
    expect(({} as Record<string, unknown>).units).toBeUndefined();
  });

  it('no plain JS error for odd inputs: non-objects, cycles, deep nesting, BigInt', () => {
    for (const input of [null, 0, 'x', [], true, { format: 'epynn-ts/model' }, { format: 'epynn-ts/model', version: 2 }]) {
      throwsWith(() => modelFromJSON(input as never), ModelFileError, 'EpyNN.fromJSON: ');
    }
    const cyclic = clone() as any;
    cyclic.model.self = cyclic;
    throwsWith(() => modelFromJSON(cyclic), ModelFileError, 'nested deeper than 32 levels (or a cycle)');
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    throwsWith(() => parseModelJSON(deep), ModelFileError, 'EpyNN.fromJSON: not an epynn-ts model');
    const big = clone() as any;
    big.model.ts = 10n;
    throwsWith(() => modelFromJSON(big), ModelFileError, 'model.ts: ');
    throwsWith(() => parseModelJSON(5 as never), ModelFileError, "EpyNN.fromJSON: expected the model's JSON text (a string), got 5");
  });
});

describe('readModel: paths and limits', () => {
  const path = model.write(join(dir, 'ok.json'));

  it('reads a good file', () => {
    expect(readModel(path).epochsDone).toBe(2);
  });

  it('refuses a path that is not a string (0 would be stdin)', () => {
    for (const p of [0, 1, null, {}, '', ['a']]) throwsWith(() => readModel(p as never), ModelFileError, 'readModel: path must be a non-empty string');
  });

  it('refuses files that are not regular: /dev/zero, a folder, a FIFO', () => {
    throwsWith(() => readModel('/dev/zero'), ModelFileError, 'readModel(/dev/zero): not a regular file (a device, a FIFO or a socket?); a model file is a regular file');
    throwsWith(() => readModel(dir), ModelFileError, `readModel(${dir}): a folder; a model file is a regular file`);
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    throwsWith(() => readModel(fifo), ModelFileError, 'not a regular file');
  });

  it('refuses a file larger than maxBytes (configurable), and bad options', () => {
    const size = readFileSync(path).length;
    throwsWith(() => readModel(path, { maxBytes: 100 }), ModelFileError, `readModel(${path}): the file holds ${size} bytes, more than maxBytes = 100`);
    expect(readModel(path, { maxBytes: size }).epochsDone).toBe(2);
    throwsWith(() => readModel(path, { maxBytes: -1 }), ModelFileError, 'readModel: maxBytes must be a positive integer, got -1');
    // an unknown option is a usage error, not a file problem (docs/ERRORS.md): EpyNNError
    throwsWith(() => readModel(path, { limit: 5 } as never), EpyNNError, "readModel: unknown option 'limit'", 'Known options: maxBytes');
    throwsWith(() => readModel(path, { max_bytes: 5 } as never), EpyNNError, "did you mean 'maxBytes'?");
  });

  it('a file with epochsDone 1e9 is refused at read, not an out-of-memory later', () => {
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.model.epochsDone = 1e9;
    const p = join(dir, 'epochs.json');
    writeFileSync(p, JSON.stringify(signed(json)));
    throwsWith(() => readModel(p), ModelFileError, `readModel(${p}): model.epochsDone: must be <= 1000000, got 1000000000`);
  });

  it('a file that is not UTF-8', () => {
    const p = join(dir, 'latin1.json');
    writeFileSync(p, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    throwsWith(() => readModel(p), ModelFileError, `readModel(${p}): the file is not UTF-8 text`);
  });
});
