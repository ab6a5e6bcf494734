// Child process for tests/io/durable.test.ts: starts writing `path` and stops before the fsync (it
// says "ready" and waits forever), so the parent can kill -9 it with the temp file on disk.
import { fileOps, writeFileAtomic } from '../../src/node/fs.js';

const path = process.argv[2];
fileOps.fsyncSync = () => {
  process.stdout.write('ready\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
};
writeFileAtomic(path, 'x'.repeat(100_000));
