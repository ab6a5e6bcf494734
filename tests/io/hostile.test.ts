// Hostile files and paths (issue 22): a name read from a model never chooses where its owner writes;
// writes refuse what is not a regular file (devices, FIFOs, sockets, folders, links to nothing) and
// anything under /proc or /sys, and write through links to regular files; an export never replaces
// its input; a TF.js pair is replaced as a unit and its shards are checked against model.json; sizes
// announced by a file are checked before anything is allocated; non-finite numbers are refused.
import { execFileSync } from 'node:child_process';
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EpyNNError, FileWriteError, ModelFileError, NonFiniteError } from '../../src/errors.js';
import { type ModelJSON, modelChecksum } from '../../src/io/library.js';
import { MAX_PARAMETERS } from '../../src/io/limits.js';
import { type TFJSModelJSON, fromTFJS, toTFJS } from '../../src/io/tfjs.js';
import { readTFJS, refuseOverwrite, writeONNX, writeTFJS } from '../../src/node/formats.js';
import { MAX_NAME_LENGTH, defaultPath, makeFolders, readModel, safeFileName, writeFileAtomic, writeTarget } from '../../src/node/fs.js';
import { throwsWith } from '../helpers/errors.js';
import { denseModel, sample } from './durable_models.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-hostile-'));
const sub = (name: string): string => {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
};
const same = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('a name read from a file never chooses the folder', () => {
  it('safeFileName: no separators, no .., no control characters, bounded length', () => {
    expect(safeFileName('../../../../tmp/x/pwned')).toBe('________tmp_x_pwned');
    expect(safeFileName('..')).toBe('_');
    expect(safeFileName('.')).toBe('model');
    expect(safeFileName('...hidden')).toBe('_hidden');
    expect(safeFileName('a\\b\u0000c\nd:e')).toBe('a_b_c_d_e');
    expect(safeFileName('')).toBe('model');
    expect(safeFileName('1712_My model')).toBe('1712_My model'); // ordinary names are kept
    expect(safeFileName('x'.repeat(5000))).toHaveLength(MAX_NAME_LENGTH);
    expect(safeFileName(null)).toBe('model');
  });

  it('defaultPath resolves inside its folder', () => {
    for (const name of ['../../etc/passwd', '/abs/path', '..', 'a/../../b', '\u0000']) {
      const p = defaultPath('models', name, '.json', 'test');
      expect(resolve(p).startsWith(`${resolve('models')}/`)).toBe(true);
      expect(p.split('/')).toHaveLength(2);
    }
  });

  it("a downloaded model with uname '../../../../tmp/x/pwned' is written under models/ and plots/ of the working directory", () => {
    const cwd = sub('cwd/deep/er');
    const victim = join(dir, 'victim');
    const model = denseModel(3, 2);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as ModelJSON;
    json.model.uname = `../../../..${victim}/pwned`;
    const file = join(dir, 'downloaded.json');
    writeFileSync(file, JSON.stringify({ ...json, checksum: modelChecksum(json) }));
    const out = execFileSync(process.execPath, ['--import', pathToFileURL(join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, join(__dirname, 'hostile_reader.ts'), file], { cwd, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { uname: string; json: string; svg: string };
    expect(r.uname).toBe(json.model.uname); // the model keeps its name; only the path is made safe
    expect(r.json).toMatch(/^models\/[^/]+\.json$/);
    expect(r.svg).toMatch(/^plots\/[^/]+\.svg$/);
    expect(readdirSync(join(cwd, 'models'))).toHaveLength(1);
    expect(readdirSync(join(cwd, 'plots'))).toHaveLength(1);
    expect(existsSync(victim)).toBe(false);
    expect(existsSync(join(dir, 'cwd', 'deep', 'models'))).toBe(false);
  });
});

describe('what a write may replace', () => {
  it('refuses a FIFO, a socket, a folder and a device, before touching them', async () => {
    const d = sub('targets');
    const fifo = join(d, 'fifo');
    execFileSync('mkfifo', [fifo]);
    throwsWith(() => writeFileAtomic(fifo, 'x', 'EpyNN.write'), FileWriteError, `EpyNN.write: cannot write ${fifo}: the path is not a regular file (a device, a FIFO or a socket?); only regular files are replaced (NOT_REGULAR)`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const sock = join(d, 'sock');
    const server = createServer();
    await new Promise<void>((ok) => server.listen(sock, ok));
    try {
      throwsWith(() => writeFileAtomic(sock, 'x', 'EpyNN.plot'), FileWriteError, '(NOT_REGULAR)');
      expect(lstatSync(sock).isSocket()).toBe(true);
    } finally {
      server.close();
    }
    const folder = sub('targets/folder');
    throwsWith(() => denseModel(2, 2).write(folder), FileWriteError, `EpyNN.write: cannot write ${folder}: the path is a folder (EISDIR)`);
    expect(statSync(folder).isDirectory()).toBe(true);
    // /dev/null is only checked here (writeTarget writes nothing), never written
    const err = (() => {
      try {
        writeTarget('/dev/null', 'EpyNN.plot');
      } catch (e) {
        return e as FileWriteError;
      }
    })();
    expect(err).toBeInstanceOf(FileWriteError);
    expect(err!.code).toBe('NOT_REGULAR');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirSync(d).sort()).toEqual(['fifo', 'folder']); // no temp file left (the socket went with its server)
  });

  it('writes through a link to a regular file (the link stays), refuses a link to nothing or to a folder', () => {
    const d = sub('links');
    const real = join(d, 'real.json');
    writeFileSync(real, 'old');
    const link = join(d, 'link.json');
    symlinkSync(real, link);
    const model = denseModel(3, 2);
    model.write(link);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(same(readModel(real).predict(sample(3)).A.data, model.predict(sample(3)).A.data)).toBe(true);
    const dangling = join(d, 'dangling.json');
    symlinkSync(join(d, 'nothing-here'), dangling);
    throwsWith(() => model.write(dangling), FileWriteError, `EpyNN.write: cannot write ${dangling}: the path is a symbolic link to nothing; a link is written through only to an existing regular file (DANGLING_LINK)`);
    expect(existsSync(join(d, 'nothing-here'))).toBe(false);
    const toFolder = join(d, 'to-folder');
    symlinkSync(sub('links/f'), toFolder);
    throwsWith(() => model.write(toFolder), FileWriteError, '(EISDIR)');
  });

  it('refuses /proc and /sys at once (also through a link), and creates no folder there', () => {
    const model = denseModel(2, 2);
    const t0 = Date.now();
    throwsWith(() => writeONNX(model, '/proc/x/m.onnx'), FileWriteError, 'writeONNX: cannot write /proc/x/m.onnx: the path is under /proc or /sys (a kernel interface, not a place for files) (SYSTEM_PATH)');
    throwsWith(() => writeTFJS(model, '/sys/x/out'), FileWriteError, '(SYSTEM_PATH)');
    throwsWith(() => model.write('/proc/self/m.json'), FileWriteError, '(SYSTEM_PATH)');
    throwsWith(() => model.plot({ path: '/sys/kernel/x.svg' }), FileWriteError, '(SYSTEM_PATH)');
    const link = join(dir, 'proc-link');
    symlinkSync('/proc/self', link);
    throwsWith(() => model.write(join(link, 'x', 'm.json')), FileWriteError, '(SYSTEM_PATH)');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('makeFolders creates the missing levels one by one and says when a part is a file', () => {
    const deep = join(dir, 'mk', 'a', 'b', 'c');
    makeFolders(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeFolders(deep); // already there
    writeFileSync(join(dir, 'mk', 'file'), '');
    throwsWith(() => denseModel(2, 2).write(join(dir, 'mk', 'file', 'x', 'm.json')), FileWriteError, 'a part of the path is a file, not a folder (ENOTDIR)');
  });

  it('epynn export refuses to overwrite the model it exports (exit 1, the file untouched)', async () => {
    const d = sub('export');
    const input = denseModel(3, 2).write(join(d, 'model.json'));
    const before = readFileSync(input, 'utf8');
    const err: string[] = [];
    const io = { out: () => undefined, err: (s: string) => err.push(s) };
    expect(await main(['export', '--format', 'tfjs', input, d], io)).toBe(1);
    expect(err.join('\n')).toContain(`epynn export: writeTFJS: cannot write ${join(d, 'model.json')}: it is the input ${input}; writing it would destroy the model being exported (SAME_FILE)`);
    expect(await main(['export', '--format', 'onnx', input, input], io)).toBe(1);
    const link = join(d, 'alias.onnx');
    symlinkSync(input, link);
    expect(await main(['export', '--format', 'onnx', input, link], io)).toBe(1);
    expect(readFileSync(input, 'utf8')).toBe(before);
    expect(readdirSync(d).sort()).toEqual(['alias.onnx', 'model.json']);
    expect(() => refuseOverwrite(input, [join(d, 'other.onnx')], 'x')).not.toThrow();
  });
});

describe('TF.js pairs', () => {
  const A = denseModel(4, 3, 1);
  const B = denseModel(4, 3, 2);
  const X = sample(4);

  it('model.json records each shard; a shard from another export is refused; a foreign model.json without the record loads', () => {
    const a = sub('pair-a');
    const b = sub('pair-b');
    writeTFJS(A, a);
    writeTFJS(B, b);
    const json = JSON.parse(readFileSync(join(a, 'model.json'), 'utf8')) as TFJSModelJSON;
    const rec = (json.userDefinedMetadata as { epynnShards: { path: string; bytes: number; sha256: string }[] }).epynnShards;
    expect(rec).toHaveLength(1);
    expect(rec[0].path).toBe(json.weightsManifest[0].paths[0]);
    expect(rec[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    // B's weights under A's shard name: the same size, another content
    const shardA = join(a, rec[0].path);
    const shardB = join(b, readdirSync(b).find((f) => f.endsWith('.bin'))!);
    const mixed = sub('pair-mixed');
    writeFileSync(join(mixed, 'model.json'), JSON.stringify(json));
    writeFileSync(join(mixed, rec[0].path), readFileSync(shardB));
    throwsWith(() => readTFJS(mixed), ModelFileError, `readTFJS: weight file ${rec[0].path} does not belong to ${join(mixed, 'model.json')}: its SHA-256 differs from the one model.json records`);
    // Without the record (a TF.js file from elsewhere), it loads (and predicts like A: its own weights)
    const foreign = sub('pair-foreign');
    const stripped = { ...json, userDefinedMetadata: { epynn: json.userDefinedMetadata!.epynn } };
    writeFileSync(join(foreign, 'model.json'), JSON.stringify(stripped));
    writeFileSync(join(foreign, rec[0].path), readFileSync(shardA));
    expect(same(readTFJS(foreign).predict(X).A.data, readTFJS(a).predict(X).A.data)).toBe(true);
  });

  it("an export over an earlier version's pair (fixed shard name) replaces it and removes the old shard", () => {
    const d = sub('pair-legacy');
    const t = toTFJS(A);
    writeFileSync(join(d, 'model.json'), JSON.stringify(t.modelJSON)); // names group1-shard1of1.bin
    writeFileSync(join(d, 'group1-shard1of1.bin'), new Uint8Array(t.weightData));
    writeFileSync(join(d, 'notes.txt'), 'mine');
    writeTFJS(B, d);
    expect(readdirSync(d).sort()).toEqual([expect.stringMatching(/^group1-shard1of1\.[0-9a-f]{16}\.bin$/), 'model.json', 'notes.txt']);
    expect(same(readTFJS(d).predict(X).A.data, readTFJS(writeTFJS(B, sub('pair-legacy-b'))).predict(X).A.data)).toBe(true);
  });

  it('a shard listed twice, shards of the wrong total size, a missing shard: refused before reading', () => {
    const a = sub('pair-checks');
    writeTFJS(A, a);
    const json = JSON.parse(readFileSync(join(a, 'model.json'), 'utf8')) as TFJSModelJSON;
    const shard = json.weightsManifest[0].paths[0];
    const edit = (f: (j: TFJSModelJSON) => void): string => {
      const d = mkdtempSync(join(dir, 'edit-'));
      const j = JSON.parse(JSON.stringify(json)) as TFJSModelJSON;
      f(j);
      writeFileSync(join(d, 'model.json'), JSON.stringify(j));
      writeFileSync(join(d, shard), readFileSync(join(a, shard)));
      return d;
    };
    throwsWith(() => readTFJS(edit((j) => j.weightsManifest[0].paths.push(shard))), ModelFileError, `is listed twice in`);
    throwsWith(() => readTFJS(edit((j) => (j.weightsManifest[0].weights[0].shape = [400, 1000]))), ModelFileError, /the weight files of .* hold 60 bytes but its manifest describes 1600012 \(a weight file is truncated\)/);
    throwsWith(() => readTFJS(edit((j) => (j.weightsManifest[0].paths = ['nope.bin']))), ModelFileError, 'weight file nope.bin listed in');
  });

  it('null and mistyped manifest entries, negative shapes, non-finite weights and hyperparameters: typed errors', () => {
    const t = toTFJS(A);
    const edit = (f: (j: Record<string, any>) => void): TFJSModelJSON => {
      const j = JSON.parse(JSON.stringify(t.modelJSON));
      f(j);
      return j;
    };
    throwsWith(() => fromTFJS(edit((j) => (j.weightsManifest = [null])), t.weightData), ModelFileError, 'fromTFJS: weightsManifest[0] must be an object { paths, weights }, got null');
    throwsWith(() => fromTFJS(edit((j) => (j.weightsManifest[0].weights[1] = 7)), t.weightData), ModelFileError, 'weightsManifest[0].weights[1] must be an object');
    throwsWith(() => fromTFJS(edit((j) => (j.weightsManifest[0].weights = null)), t.weightData), ModelFileError, 'weightsManifest[0].weights must be an array, got null');
    throwsWith(() => fromTFJS(edit((j) => (j.weightsManifest[0].weights[0].shape = [-4, 3])), t.weightData), ModelFileError, '.shape must be an array of at most 8 non-negative integers, got [-4, 3]');
    throwsWith(() => fromTFJS(edit((j) => (j.weightsManifest[0].weights[0].name = 5)), t.weightData), ModelFileError, '.name must be a non-empty string, got 5');
    const nan = new Uint8Array(t.weightData.slice(0));
    new DataView(nan.buffer).setFloat32(4 * 5, NaN, true);
    throwsWith(() => fromTFJS(t.modelJSON, nan), NonFiniteError, "fromTFJS: weight 'dense_1/kernel': dense_1/kernel must hold finite numbers, got NaN at dense_1/kernel[1, 2]");
    // ELU with alpha 'x' or 1e309 (Infinity once parsed) after a Dense
    const elu = (alpha: unknown): TFJSModelJSON => edit((j) => j.modelTopology.config.layers.push({ class_name: 'ELU', config: { name: 'elu_1', alpha } }));
    throwsWith(() => fromTFJS(elu('x'), t.weightData), EpyNNError, "fromTFJS: layer 1 (ELU 'elu_1'): alpha must be a number, got 'x'");
    const text = JSON.stringify(elu(0.5)).replace('"alpha":0.5', '"alpha":1e309');
    throwsWith(() => fromTFJS(text, t.weightData), NonFiniteError, "fromTFJS: layer 1 (ELU 'elu_1'): alpha must be a finite number, got Infinity");
    throwsWith(() => fromTFJS(edit((j) => (j.modelTopology.config.layers[0].config.units = '3')), t.weightData), EpyNNError, "units must be a positive integer, got '3'");
  });

  it('sizes are checked before anything is allocated: the input shape, maxParameters', () => {
    const t = toTFJS(A);
    const big = JSON.parse(JSON.stringify(t.modelJSON));
    big.modelTopology.config.layers.unshift({ class_name: 'Flatten', config: { name: 'flatten_9', batch_input_shape: [null, 5e8] } });
    const t0 = Date.now();
    throwsWith(() => fromTFJS(big, t.weightData), ModelFileError, 'fromTFJS: the input shape (500000000,) has 500000000 values per sample (at most 16777216 in at most 8 dimensions)');
    expect(Date.now() - t0).toBeLessThan(1000);
    throwsWith(() => fromTFJS(t.modelJSON, t.weightData, { maxParameters: 10 }), ModelFileError, /fromTFJS: layer 1 \(Dense\): the model would hold .* values .* more than maxParameters = 10/);
    throwsWith(() => fromTFJS(t.modelJSON, t.weightData, { maxParameters: 0 }), EpyNNError, 'fromTFJS: maxParameters must be a positive integer, got 0');
    expect(MAX_PARAMETERS).toBe(2 ** 26);
  });
});

describe('model files: sizes before allocation, finite parameters', () => {
  it('a small file announcing a huge layer is refused before its parameters are made', () => {
    const model = denseModel(3, 2);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as ModelJSON;
    const dense = json.layers[1] as unknown as { config: { units: number }; params: Record<string, unknown> };
    dense.config.units = 150_000_000;
    dense.params = {};
    const file = join(dir, 'huge.json');
    writeFileSync(file, JSON.stringify({ ...json, checksum: modelChecksum(json) }));
    expect(statSync(file).size).toBeLessThan(5000);
    const t0 = Date.now();
    throwsWith(() => readModel(file), ModelFileError, `readModel(${file}): layer 1 (Dense): the model would hold`, 'more than maxParameters = 67108864');
    expect(Date.now() - t0).toBeLessThan(2000);
    throwsWith(() => readModel(join(dir, 'none.json'), { maxParameters: -1 }), EpyNNError, 'readModel: maxParameters must be a positive integer, got -1');
  });

  it('a NaN parameter in a model file is refused, naming the layer, the array and the index', () => {
    const model = denseModel(3, 2);
    model.layers[1].p.W.data[3] = NaN; // as an author could write it
    const json = JSON.parse(JSON.stringify(model.toJSON())) as ModelJSON;
    const file = join(dir, 'nan.json');
    writeFileSync(file, JSON.stringify(json));
    throwsWith(() => readModel(file), ModelFileError, `readModel(${file}): layer 1 (Dense): parameter W: W must hold finite numbers, got NaN at W[1, 1]`);
  });
});

describe('schedules, layers and predict on hostile numbers', () => {
  it('every schedule field is checked, also when a schedule is called directly', async () => {
    const { scheduleLrate, exp_decay } = await import('../../src/commons/schedule.js');
    const { defaultHPars } = await import('../../src/settings.js');
    throwsWith(() => scheduleLrate({ ...defaultHPars(), schedule: 'exp_decay', cycle_epochs: -1 }, 10), EpyNNError, 'scheduleLrate: seHPars: cycle_epochs must be a non-negative integer, got -1');
    throwsWith(() => scheduleLrate({ ...defaultHPars(), decay_k: NaN }, 10), NonFiniteError, 'scheduleLrate: seHPars: decay_k must be a finite number, got NaN');
    throwsWith(() => exp_decay({ e: 3, lr: 0.1, n: 1, k: 0.5, d: 0, epc: 0 }), EpyNNError, 'exp_decay: epc must be a positive integer, got 0');
    throwsWith(() => exp_decay({ e: 3, lr: Infinity, n: 1, k: 0.5, d: 0, epc: 3 }), NonFiniteError, 'exp_decay: lr must be a finite number, got Infinity');
  });
});

describe('epynn copy on hostile targets', () => {
  it('refuses /proc and /sys at once', async () => {
    const err: string[] = [];
    const t0 = Date.now();
    expect(await main(['copy', '/proc/x/epynnlive'], { out: () => undefined, err: (s: string) => err.push(s) })).toBe(1);
    expect(err.join('\n')).toContain('epynn copy: copyExamples: cannot write /proc/x/epynnlive: the path is under /proc or /sys (a kernel interface, not a place for files) (SYSTEM_PATH)');
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('limits agree', () => {
  it('train() runs at most the epochs a model file records', async () => {
    const { MAX_TRAIN_EPOCHS } = await import('../../src/commons/checks.js');
    const { MAX_EPOCHS } = await import('../../src/io/schema.js');
    expect(MAX_TRAIN_EPOCHS).toBe(MAX_EPOCHS);
  });
});
