// Child process for tests/io/tfjs_pair.test.ts. Modes:
//   kill <dir> <k>       writes model B over the pair in <dir> and stops for good at step k (0: the
//                        first fsync in the staging folder; 1-4: before the k-th rename; 5: at the
//                        clean-up after the commit), saying "ready", so that the parent kills it -9;
//   loop <dir> <seed> <n>  writes denseModel(4, 3, seed) n times into <dir> (a concurrent exporter);
//   full <dir>           (in a 64 KiB tmpfs at <dir>) writes a small pair, fails to write a big one
//                        over it, prints what it saw as one JSON line.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileWriteError } from '../../src/errors.js';
import { readTFJS, writeTFJS } from '../../src/node/formats.js';
import { fileOps } from '../../src/node/fs.js';
import { denseModel, sample } from './durable_models.js';

const [mode, dir, a, b] = process.argv.slice(2);
const stop = (): never => {
  process.stdout.write('ready\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('unreachable');
};

if (mode === 'kill') {
  const k = Number(a);
  let renames = 0;
  const { renameSync, fsyncSync, rmSync } = fileOps;
  fileOps.fsyncSync = (fd) => (k === 0 ? stop() : fsyncSync(fd));
  fileOps.renameSync = (from, to) => (++renames === k ? stop() : renameSync(from, to));
  fileOps.rmSync = (p, o) => (k === 5 ? stop() : rmSync(p, o));
  writeTFJS(denseModel(4, 3, 2), dir);
  process.stdout.write('finished\n');
} else if (mode === 'loop') {
  const model = denseModel(4, 3, Number(a));
  for (let i = 0; i < Number(b); i++) writeTFJS(model, dir);
} else if (mode === 'full') {
  const same = (x: Float64Array, y: Float64Array): boolean => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  const small = denseModel(4, 3, 1);
  writeTFJS(small, dir);
  const smallOut = readTFJS(dir).predict(sample(4)).A.data;
  const before = readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]);
  const big = denseModel(150, 100, 2); // a 60 KB shard: it does not fit
  let error: { name: string; code: string; message: string } | undefined;
  try {
    writeTFJS(big, dir);
  } catch (err) {
    const e = err as FileWriteError;
    error = { name: e.name, code: e.code, message: e.message };
  }
  const after = readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]);
  process.stdout.write(`${JSON.stringify({ error, unchanged: JSON.stringify(before) === JSON.stringify(after), files: readdirSync(dir).sort(), readsSmall: same(readTFJS(dir).predict(sample(4)).A.data, smallOut) })}\n`);
}
