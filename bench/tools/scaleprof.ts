// Where the calling thread spends a sharded training step on 1 and 2 threads (wall time, medians of
// rounds run alternately): `npx tsx bench/tools/scaleprof.ts [cnn|rnn|lstm] [rounds]`.
import { loadavg } from 'node:os';
import { selectBackend } from '../../src/kernels/backend.js';
import { parallelEngine } from '../../src/network/hooks.js';
import { modelUpdate } from '../../src/network/update.js';
import { profile, stats } from '../../src/parallel/engine.js';
import { warmWorkers } from '../threads.js';
import { NDArray } from '../../src/commons/ndarray.js';
import type { Layer } from '../../src/commons/models.js';
import type { EpyNN } from '../../src/network/models.js';
import { randomArray } from '../timing.js';
import { cnnModel } from '../cases/train.js';

/** The bench's CNN step (bench/cases/train.ts), or its RNN / LSTM step (bench/cases/threads.ts). */
async function modelOf(kind: string): Promise<EpyNN> {
  if (kind === 'cnn') return cnnModel(32);
  const lib = await import('../../src/index.js');
  const X = new NDArray(randomArray(32 * 20 * 16, 6), [32, 20, 16]);
  const Ctor = (kind === 'lstm' ? lib.LSTM : lib.RNN) as unknown as new (opts: object) => Layer;
  const Y = Array.from({ length: 32 }, (_, i) => [i % 2, 1 - (i % 2)]);
  const model = new lib.EpyNN([new lib.Embedding({ XData: X, YData: Y, batchSize: 32, relativeSize: [1, 0, 0] }), new Ctor({ unitCells: 32 }), new lib.Dense({ units: 2, activate: lib.softmax })], 'bench_threads');
  model.initialize({ loss: 'CCE', seed: 1, quiet: true, seHPars: { learning_rate: 1e-4 } });
  return model;
}

/** Whether every value is finite (as network/finite.ts checks). */
function finiteAll(a: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] - a[i];
  return s === 0;
}

const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function main(): Promise<void> {
  selectBackend('wasm');
  const rounds = Number(process.argv[3] ?? 7);
  const kind = process.argv[2] ?? 'cnn';
  const model = await modelOf(kind);
  const batch = model.embedding.trainingBatches()[0];
  model.setTraining(true);
  const res: Record<number, Record<string, number[]>> = { 1: {}, 2: {} };
  const trainers = new Map<number, ReturnType<NonNullable<ReturnType<typeof parallelEngine>>['trainer']>>();
  for (const t of [1, 2]) {
    model.threads = t;
    trainers.set(t, parallelEngine()!.trainer(model));
  }
  const N = kind === 'cnn' ? 60 : kind === 'lstm' ? 100 : 300;
  console.log(`${kind}: load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (let r = 0; r < rounds + 1; r++) {
    for (const t of [1, 2]) {
      model.threads = t;
      const tr = trainers.get(t)!;
      const fn = (): void => { tr!.step(batch.X, batch.Y!); modelUpdate(model, { summedShards: true }); };
      if (r === 0) { warmWorkers(fn, t); for (let i = 0; i < 30; i++) fn(); continue; }
      for (const k of Object.keys(profile) as (keyof typeof profile)[]) profile[k] = 0;
      stats.items = 0; stats.here = 0;
      let upd = 0;
      let rest = 0;
      let lastA: NDArray | undefined;
      const t0 = performance.now();
      for (let i = 0; i < N; i++) {
        lastA = tr!.step(batch.X, batch.Y!);
        const u0 = performance.now();
        modelUpdate(model, { summedShards: true });
        const u1 = performance.now();
        upd += u1 - u0;
        // what train() adds on this thread (network/training.ts): the batch's loss gradient and the
        // finite checks of the output, the gradient and every parameter (the report: once a second)
        const A = lastA;
        if (A !== undefined) finiteAll(model.trainingLoss(batch.Y!, A, true).data) && finiteAll(A.data);
        for (const l of model.layers) for (const P of Object.values(l.p)) finiteAll(P.data);
        rest += performance.now() - u1;
      }
      const total = (performance.now() - t0 - rest) / N; // the bench's step: trainer.step and the update
      const row = { total, post: profile.post / N, work: profile.work / N, wait: profile.wait / N, sum: profile.sum / N, update: upd / N, train: rest / N, hereItems: profile.here / N };
      for (const [k, v] of Object.entries(row)) (res[t][k] ??= []).push(v);
    }
  }
  for (const t of [1, 2]) {
    console.log(`${t} thread(s): ` + Object.entries(res[t]).map(([k, v]) => `${k} ${median(v).toFixed(3)}`).join(' | '));
  }
  const a = median(res[1].total), b = median(res[2].total);
  console.log(`speed-up ${(a / b).toFixed(2)}x; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
void main();
