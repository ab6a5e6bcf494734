// Run by tests/parallel/parallel.test.ts in a child process: trains on 2 threads until a worker thread
// has computed shards, prints what ran where, and ends without process.exit: the test checks that
// the process exits by itself.
import { Convolution, Dense, Embedding, EpyNN, Flatten, NDArray, getThreads, numpyRng, relu, softmax } from '../../src/index.js';
import { stats } from '../../src/parallel/engine.js';

const rng = numpyRng(1);
const X = new NDArray(new Float64Array(128 * 12 * 12).map(() => rng.uniform()), [128, 12, 12, 1]);
const y = Array.from({ length: 128 }, (_, i) => i % 3);
const model = new EpyNN([
  new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 32 }),
  new Convolution({ unitFilters: 8, filterSize: [3, 3], activate: relu }),
  new Flatten(),
  new Dense({ units: 3, activate: softmax }),
]);
model.initialize({ loss: 'CCE', seed: 1, quiet: true });
const t0 = Date.now();
while (stats.items - stats.here === 0 && Date.now() - t0 < 30_000) {
  model.train({ epochs: 1, quiet: true });
  await new Promise((r) => setTimeout(r, 50)); // lets a starting worker report an error, if any
}
console.log(JSON.stringify({ items: stats.items, here: stats.here, threads: getThreads() }));
