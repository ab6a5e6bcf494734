// Soak test of worker threads (its own CI step, not part of `npm test`): a tiny CNN trains for many
// epochs on 2 threads, one call to train() per epoch, with a full garbage collection of this thread
// before each RSS sample; after a warm-up the resident memory must not grow by 10% or more.
//   node --expose-gc --import tsx tests/soak/threads-soak.ts [epochs]   (default 10,000)
// Prints `soak: 1 passed, 0 failed` (exit 0) or `soak: 0 passed, 1 failed` with the samples (exit 1).
import {
  Convolution, Dense, Dropout, EpyNN, Embedding, Flatten, NDArray, Pooling, numpyRng, relu, softmax, threadStats,
} from '../../src/index.js';

const epochs = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (typeof gc !== 'function') {
  console.error('soak: run with node --expose-gc');
  process.exit(2);
}

// 150 samples of 8x8, batches of 50 in 6 shards of 8 or 9 rows, evaluation in chunks of 32, 4 and
// 18 rows: five sizes of every layer buffer, on every thread (the setting that grew 25 MB per 1,000
// epochs before the worker threads' WebAssembly blocks were given back at once)
const rng = numpyRng(1);
const m = 150;
const X = new NDArray(new Float64Array(m * 8 * 8).map(() => rng.uniform()), [m, 8, 8, 1]);
const y = Array.from({ length: m }, (_, i) => (i * 7) % 3);
const model = new EpyNN([
  new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 50, relativeSize: [2, 1, 0] }),
  new Convolution({ unitFilters: 4, filterSize: [3, 3], activate: relu }),
  new Pooling({ poolSize: [2, 2] }),
  new Flatten(),
  new Dropout({ dropProb: 0.3 }),
  new Dense({ units: 3, activate: softmax }),
]);
model.initialize({ loss: 'CCE', seed: 7, quiet: true, threads: 2 });

const block = Number(process.argv[3] ?? 500);
const rss = (): number => {
  gc!();
  return process.memoryUsage().rss / 2 ** 20;
};
const samples: number[] = [];
const t0 = Date.now();
// Let the workers start (they start in the background) before counting
await new Promise((r) => setTimeout(r, 500));
for (let done = 0; done < epochs; done += block) {
  // one train() call per epoch, as a loop of user calls would (each builds its trainer)
  for (let e = 0; e < Math.min(block, epochs - done); e++) model.train({ epochs: 1, quiet: true });
  // a pause, as between user calls, lets the workers' queued messages drain
  await new Promise((r) => setImmediate(r));
  samples.push(rss());
}
const warm = Math.min(samples.length - 1, Math.max(1, Math.floor(samples.length / 5)));
const base = samples[warm];
const last = samples[samples.length - 1];
const peak = Math.max(...samples.slice(warm));
const growth = (Math.max(last, peak) - base) / base;
const { items, workerItems } = threadStats();
const seconds = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`soak: ${epochs} epochs on 2 threads in ${seconds} s, worker items ${workerItems} of ${items}; RSS after warm-up ${base.toFixed(1)} MiB, peak ${peak.toFixed(1)} MiB, last ${last.toFixed(1)} MiB (growth ${(growth * 100).toFixed(1)}%)`);
const ok = growth < 0.1 && workerItems > 0;
if (!ok) console.log(`soak: RSS samples (MiB) every ${block} epochs: ${samples.map((v) => v.toFixed(0)).join(' ')}${workerItems > 0 ? '' : '; the workers computed nothing'}`);
console.log(`soak: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
