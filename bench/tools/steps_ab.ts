// The 1- and 2-thread steps of the bench (CNN step, or the RNN / LSTM "in train()" cases), alternated in
// one process, medians of ROUNDS rounds: `npx tsx bench/tools/steps_ab.ts cnn|rnn|lstm [ROUNDS]`; run it in two
// checkouts one after the other to compare them on a busy machine (docs/PERFORMANCE.md, issue 28).
import { loadavg } from 'node:os';
import { selectBackend } from '../../src/kernels/backend.js';
import { parallelEngine } from '../../src/network/hooks.js';
import { modelUpdate } from '../../src/network/update.js';
import { NDArray } from '../../src/commons/ndarray.js';
import type { Layer } from '../../src/commons/models.js';
import { randomArray } from '../timing.js';
import { warmWorkers } from '../threads.js';
import { cnnModel } from '../cases/train.js';
async function modelOf(kind: string) {
  if (kind === 'cnn') return cnnModel(32);
  const lib = await import('../../src/index.js');
  const X = new NDArray(randomArray(32 * 20 * 16, 6), [32, 20, 16]);
  const Ctor = (kind === 'lstm' ? lib.LSTM : lib.RNN) as unknown as new (opts: object) => Layer;
  const Y = Array.from({ length: 32 }, (_, i) => [i % 2, 1 - (i % 2)]);
  const model = new lib.EpyNN([new lib.Embedding({ XData: X, YData: Y, batchSize: 32, relativeSize: [1, 0, 0] }), new Ctor({ unitCells: 32 }), new lib.Dense({ units: 2, activate: lib.softmax })], 'b');
  model.initialize({ loss: 'CCE', seed: 1, quiet: true, seHPars: { learning_rate: 1e-4 } });
  return model;
}
const kind = process.argv[2] ?? 'cnn';
const rounds = Number(process.argv[3] ?? 9);
selectBackend('wasm');
const model = await modelOf(kind);
const batch = model.embedding.trainingBatches()[0];
model.setTraining(true);
const fns = new Map<number, () => void>();
for (const t of [1, 2]) { model.threads = t; const tr = parallelEngine()!.trainer(model)!; fns.set(t, () => { tr.step(batch.X, batch.Y!); modelUpdate(model, { summedShards: true }); }); }
const N = kind === 'cnn' ? 50 : kind === 'lstm' ? 80 : 250;
const res: Record<number, number[]> = { 1: [], 2: [] };
for (const t of [1, 2]) { model.threads = t; warmWorkers(fns.get(t)!, t); for (let i = 0; i < 3 * N; i++) fns.get(t)!(); }
for (let r = 0; r < rounds; r++) for (const t of (r % 2 ? [2, 1] : [1, 2])) {
  model.threads = t; const fn = fns.get(t)!;
  const t0 = performance.now(); for (let i = 0; i < N; i++) fn(); res[t].push((performance.now() - t0) / N);
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(JSON.stringify({ kind, one: med(res[1]), two: med(res[2]), sps1: 32000 / med(res[1]), sps2: 32000 / med(res[2]), ratio: med(res[1]) / med(res[2]), load: loadavg()[0] }));
