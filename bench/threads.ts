// Timing what train() runs for one batch, on a given number of threads: the sharded step of
// src/parallel (forward and backward of every shard on whichever thread claims it, the gradients
// summed in shard order, the update). Worker threads start in the background, so the timing starts
// only once they have computed shards (or after 10 s, said in the note).
import type { NDArray } from '../src/commons/ndarray.js';
import { parallelEngine } from '../src/network/hooks.js';
import { modelUpdate } from '../src/network/update.js';
import type { EpyNN } from '../src/network/models.js';
import { stats } from '../src/parallel/engine.js';
import { type Timing, time } from './timing.js';
import type { BenchOptions } from './types.js';

export interface ThreadTiming extends Timing {
  /** Share of the shards computed on worker threads while timing (0 on 1 thread). */
  workerShare: number;
  /** Whether the workers were up before the timing started. */
  warm: boolean;
}

/** Runs `fn` until worker threads computed some items (they start in the background), at most `ms`. */
export function warmWorkers(fn: () => void, threads: number, ms = 10_000): boolean {
  if (threads <= 1) return true;
  const t0 = performance.now();
  for (;;) {
    stats.items = 0;
    stats.here = 0;
    for (let i = 0; i < 5; i++) fn();
    if (stats.items > stats.here) return true;
    if (performance.now() - t0 > ms) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // 50 ms for them to start
  }
}

/** Times fn on the model's current thread setting, with the workers' share of the items. */
export function timeThreads(fn: () => void, threads: number, o: BenchOptions): ThreadTiming {
  const warm = warmWorkers(fn, threads);
  // V8 runs WebAssembly in its baseline tier for the first calls: at least 10 calls and 300 ms first
  const t0 = performance.now();
  for (let i = 0; i < 10 || performance.now() - t0 < 300; i++) fn();
  stats.items = 0;
  stats.here = 0;
  const t = time(fn, { runs: Math.max(o.runs, 9), warmup: Math.max(o.warmup, 5) });
  const workerShare = stats.items === 0 ? 0 : (stats.items - stats.here) / stats.items;
  return { ...t, workerShare, warm };
}

/** The sharded training step of `model` on (X, Y) with `threads` threads, timed. */
export function timeTrainStep(model: EpyNN, X: NDArray, Y: NDArray, threads: number, o: BenchOptions): ThreadTiming {
  model.threads = threads;
  const trainer = parallelEngine()?.trainer(model);
  if (trainer === undefined) throw new Error('the model does not train in shards');
  model.setTraining(true);
  try {
    return timeThreads(() => {
      trainer.step(X, Y);
      modelUpdate(model, { summedShards: true });
    }, threads, o);
  } finally {
    trainer.close();
    model.setTraining(false);
  }
}

/** "2 threads: 48% of the shards on the worker" (and whether the workers were late). */
export const threadNote = (t: ThreadTiming, threads: number): string =>
  threads <= 1 ? '1 thread' : `${threads} threads: ${(100 * t.workerShare).toFixed(0)}% of the items on workers${t.warm ? '' : ' (workers not up after 10 s)'}`;
