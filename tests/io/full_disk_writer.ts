// Child process for tests/io/durable.test.ts, run in its own mount namespace on a 64 KiB tmpfs
// mounted at argv[2] (the mount vanishes with the process, even if it is killed): writes a small
// model, fails to write a big one over it, writes one that fits; prints what it saw as one JSON line.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileWriteError } from '../../src/errors.js';
import { readModel } from '../../src/node/fs.js';
import { denseModel, sample } from './durable_models.js';

const dir = process.argv[2];
const path = join(dir, 'model.json');
const same = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const small = denseModel(3, 2, 7);
small.write(path);
const before = readFileSync(path, 'utf8');
const big = denseModel(100, 100); // about 110 KB of JSON
let error: { name: string; message: string; code?: string; path?: string; isFileWriteError: boolean } | undefined;
try {
  big.write(path);
} catch (err) {
  const e = err as FileWriteError;
  error = { name: e.name, message: e.message, code: e.code, path: e.path, isFileWriteError: err instanceof FileWriteError };
}
const result = {
  path,
  bigBytes: JSON.stringify(big.toJSON()).length,
  error,
  unchanged: readFileSync(path, 'utf8') === before,
  filesAfter: readdirSync(dir).sort(),
  readBackSmall: same(readModel(path).predict(sample(3)).A.data, small.predict(sample(3)).A.data),
  fits: (() => {
    const fits = denseModel(20, 20, 3);
    fits.write(path);
    return same(readModel(path).predict(sample(20)).A.data, fits.predict(sample(20)).A.data);
  })(),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
