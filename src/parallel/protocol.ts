// Data parallelism, how the threads talk. The main thread writes a job's inputs into shared buffers
// (SharedArrayBuffer), opens a new generation in the control words, posts the job to the workers and
// takes work items itself. Every thread claims items (training shards or forward chunks) with one
// compare-and-swap on the CLAIM word, computes them into the item's own place in the shared buffers
// and counts it in DONE; the main thread waits until DONE reaches the item count. Which thread computes
// an item never changes its numbers, so the result does not depend on the thread count or the timing.
import { MAX_THREADS } from '../commons/checks.js';
import { MAX_SHARDS, type MaskSlot, type NormSlot, type Replica, type Slot, type Stage, rowsOf, shardRows } from './shards.js';

/** Control words (an Int32Array over a SharedArrayBuffer). */
export const CLAIM = 0; // (generation mod 4096) << 20 | next item index
export const DONE = 1; // items completed in the current generation
export const GEN = 2; // current generation (full)
export const ERR = 3; // 1 once an item failed in the current generation
export const ERR_ITEM = 4; // the failed item
export const ERR_LEN = 5; // bytes of its message in the `err` buffer
/**
 * Staged training steps (batch statistics): from this word, one word per shard, the last generation
 * that claimed it. A thread claims first the shards whose layer caches it holds (Replica.holds), then any.
 */
export const SHARD_CLAIMS = 8;
/**
 * Staged training steps: the step (Job.step) and the stage (its index in stagePlan) of the current
 * generation, written before it opens. The workers receive a step's job once and follow its stages
 * here (workStages), without a message per stage.
 */
export const STEP = SHARD_CLAIMS + MAX_SHARDS;
export const STAGE = STEP + 1;
/**
 * Training steps whose gradients are summed as the shards finish (Job.sum): from this word, one word per
 * shard, the generation in which it was done; then the shards added into shard 0's slot so far (ACC),
 * and the lock of the thread adding them (ACC_LOCK).
 */
export const SHARD_DONE = STAGE + 1;
export const ACC = SHARD_DONE + MAX_SHARDS;
export const ACC_LOCK = ACC + 1;
/**
 * The generation, when it repeats the training job last posted to every worker (all but `gen` equal):
 * a parked worker (park) runs it without a message. 0 otherwise.
 */
export const REPEAT = ACC_LOCK + 1;
/**
 * The repeated job's number (Job.seq): a parked worker runs the generation only when the job it holds
 * has it (one that missed a message, its thread held up for a whole step, holds an older job).
 */
export const REPEAT_SEQ = REPEAT + 1;
export const CONTROL_WORDS = REPEAT_SEQ + 1;
/**
 * After the control words, three words for each worker thread a pool starts (its slot, handed to it
 * with the control buffer): 1 once it runs (its module loaded, its first message received), the items
 * it claimed, and 1 while it is parked (it looks at GEN before it goes back to its messages). A pool
 * starts at most 2 × (threads − 1) + 2 workers in its life.
 */
export const WORKER_SLOTS = 2 * MAX_THREADS + 2;
/** Bytes of the control buffer: the control words and the worker slots. */
export const CONTROL_BYTES = 4 * (CONTROL_WORDS + 3 * WORKER_SLOTS);
/** The word set to 1 once the worker of `slot` runs. */
export const slotReady = (slot: number): number => CONTROL_WORDS + 3 * slot;
/** The word counting the items the worker of `slot` claimed. */
export const slotItems = (slot: number): number => CONTROL_WORDS + 3 * slot + 1;
/** The word set to 1 while the worker of `slot` is parked (park). */
export const slotParked = (slot: number): number => CONTROL_WORDS + 3 * slot + 2;

/** Largest item index the CLAIM word holds. */
export const MAX_ITEMS = 2 ** 20 - 1;
const TAG_SHIFT = 20;
const tagOf = (gen: number): number => gen & 0xfff;

/** The shared buffers of a job, by name. */
export interface Buffers {
  /** Every parameter (layout of Job.slots). */
  params: Float64Array;
  /** Shard s's gradients at s × (parameter count). */
  grads: Float64Array;
  /** Input rows. */
  X: Float64Array;
  /** Label rows (training). */
  Y: Float64Array;
  /** Output rows. */
  A: Float64Array;
  /** Dropout uniforms of the batch (layout of Job.masks). */
  U: Float64Array;
  /** UTF-8 message of a failed item. */
  err: Uint8Array;
  /** Staged training (batch statistics): the input rows of each BatchNormalization (layout of Job.norms). */
  Z: Float64Array;
  /** Staged training: the gradient rows of each BatchNormalization's output. */
  D: Float64Array;
  /** Staged training: each BatchNormalization's whole-batch statistics and sums, and its shards' partial sums. */
  B: Float64Array;
}
export type BufferName = keyof Buffers;
export const BUFFER_NAMES: readonly BufferName[] = ['params', 'grads', 'X', 'Y', 'A', 'U', 'err', 'Z', 'D', 'B'];

/** One generation's work, as posted to the workers. */
export interface Job {
  gen: number;
  kind: 'train' | 'forward';
  /** The pass's phase (Mode.phase): training for 'train', evaluation or prediction for 'forward'. */
  phase: 'training' | 'evaluation' | 'prediction';
  /** Items: shards (train) or chunks (forward). */
  count: number;
  /** Samples. */
  m: number;
  /** Rows per chunk (forward). */
  chunk: number;
  /** Shapes of one sample's input, label and output. */
  xShape: number[];
  yShape: number[];
  aShape: number[];
  /** Parameter count (the stride of `grads` between shards). */
  params: number;
  slots: Slot[];
  masks: MaskSlot[];
  /** The kernels the main thread uses (the workers use the same: the same bits). */
  backend: 'wasm' | 'js';
  /** Which model (replica) the job is for. */
  spec: number;
  /**
   * Training with batch statistics (BatchNormalization): each generation is one stage of the step
   * (shards.ts, Stage), the layers' places in Z, D and B in `norms`, `step` the step's number (unique in
   * the process). Undefined: the whole step at once.
   */
  stage?: Stage;
  /** The stage's index in stagePlan(norms.length). */
  stageIndex?: number;
  norms?: NormSlot[];
  step?: number;
  /**
   * Training without stages: the gradient ranges ([offset, values] in a slot) that the threads add into
   * shard 0's slot in shard order as the shards finish (accumulate): each value summed as
   * s0 + s1 + … + s(S−1), whichever thread adds which shard. Undefined: no sum (forward jobs, staged steps).
   */
  sum?: [number, number][];
  /** Training jobs without stages: the job's number in its pool, the same for its repeats (REPEAT_SEQ). */
  seq?: number;
}

/** Computes item `idx` of `job` with `replica` from and into the shared buffers. */
export function runItem(job: Job, b: Buffers, replica: Replica, idx: number): void {
  const aRow = job.aShape.reduce((p, v) => p * v, 1);
  if (job.kind === 'forward') {
    const start = idx * job.chunk;
    const end = Math.min(job.m, start + job.chunk);
    replica.forwardChunk(rowsOf(b.X, start, end, job.xShape), b.A.subarray(start * aRow, end * aRow), job.phase === 'evaluation' ? 'evaluation' : 'prediction');
    return;
  }
  const [start, end] = shardRows(job.m, job.count, idx);
  const uniforms = new Map<number, Float64Array>();
  for (const mask of job.masks) {
    const total = mask.shape.reduce((p, v) => p * v, 1);
    if (mask.shape[0] === 1) uniforms.set(mask.layer, b.U.subarray(mask.offset, mask.offset + total)); // one mask for every sample
    else {
      const row = total / mask.shape[0];
      uniforms.set(mask.layer, b.U.subarray(mask.offset + start * row, mask.offset + end * row));
    }
  }
  if (job.stage !== undefined) {
    // each shard on its own replica (the layer caches of its earlier stages kept there)
    replica.forShard(idx).trainStage(job.stage, job.norms ?? [], job.step ?? 0, idx, start, end, {
      X: rowsOf(b.X, start, end, job.xShape),
      Y: rowsOf(b.Y, start, end, job.yShape),
      uniforms,
      out: b.A.subarray(start * aRow, end * aRow),
      slots: job.slots,
      grads: b.grads.subarray(idx * job.params, (idx + 1) * job.params),
      Z: b.Z,
      D: b.D,
      B: b.B,
    });
    return;
  }
  replica.trainShard(
    rowsOf(b.X, start, end, job.xShape),
    rowsOf(b.Y, start, end, job.yShape),
    uniforms,
    b.A.subarray(start * aRow, end * aRow),
    job.slots,
    b.grads.subarray(idx * job.params, (idx + 1) * job.params),
  );
}

/**
 * Opens generation `gen` (main thread, before posting the job); for a stage of a staged step, its step
 * and stage index first (a worker that sees the generation sees them); for a repeated training job,
 * its number (`repeat`: Job.seq).
 */
export function openGeneration(ctl: Int32Array, gen: number, staged?: { step: number; stage: number }, repeat = 0): void {
  // 0: no staged step (a worker still following one goes back to its messages)
  Atomics.store(ctl, STEP, staged?.step ?? 0);
  Atomics.store(ctl, STAGE, staged?.stage ?? 0);
  // repeat: the number (Job.seq) of the job this generation repeats, 0 for none
  Atomics.store(ctl, REPEAT_SEQ, repeat);
  Atomics.store(ctl, REPEAT, repeat !== 0 ? gen : 0);
  Atomics.store(ctl, DONE, 0);
  Atomics.store(ctl, ERR, 0);
  Atomics.store(ctl, ACC, 0);
  Atomics.store(ctl, ACC_LOCK, 0);
  Atomics.store(ctl, CLAIM, tagOf(gen) << TAG_SHIFT);
  Atomics.store(ctl, GEN, gen);
  Atomics.notify(ctl, GEN); // workers following a staged step (workStages)
}

/** True while `gen` is the current generation (a worker skips the jobs of past ones). */
export function isCurrent(ctl: Int32Array, gen: number): boolean {
  return Atomics.load(ctl, GEN) === gen;
}

/** Claims the next item of generation `gen` (or -1 when there is none left). */
function claim(ctl: Int32Array, gen: number, count: number): number {
  const tag = tagOf(gen);
  for (;;) {
    const w = Atomics.load(ctl, CLAIM);
    if (w >>> TAG_SHIFT !== tag) return -1;
    const idx = w & MAX_ITEMS;
    if (idx >= count) return -1;
    if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) === w) return idx;
  }
}

/** Records the first failure of the generation: its item and message. */
export function recordError(ctl: Int32Array, err: Uint8Array, idx: number, message: string): void {
  if (Atomics.compareExchange(ctl, ERR, 0, 1) !== 0) return;
  const bytes = new TextEncoder().encode(message).subarray(0, err.length);
  err.set(bytes);
  Atomics.store(ctl, ERR_LEN, bytes.length);
  Atomics.store(ctl, ERR_ITEM, idx);
}

/**
 * Claims shard `s` of generation `gen` of a staged job. Its word holds the last generation that claimed
 * it: below `gen`, it is free (a thread still on a past generation finds every shard of its job at or
 * above its generation, so never claims one).
 */
function claimShard(ctl: Int32Array, gen: number, s: number): boolean {
  const i = SHARD_CLAIMS + s;
  const w = Atomics.load(ctl, i);
  return w < gen && Atomics.compareExchange(ctl, i, w, gen) === w;
}

/**
 * Claims and computes items of the generation until none is left; a failing item is recorded (and
 * counted done, so that the main thread never waits for it). Staged jobs: the shards `holds` says this
 * thread has the caches of are tried first (which thread computes a shard never changes its numbers).
 */
export function work(ctl: Int32Array, job: Job, b: Buffers, compute: (idx: number) => void, holds?: (idx: number) => boolean): number {
  let n = 0;
  const run = (idx: number): void => {
    n++;
    try {
      compute(idx);
    } catch (e) {
      recordError(ctl, b.err, idx, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
    if (job.sum !== undefined) {
      // (a failed shard is added too: the step throws its error)
      Atomics.store(ctl, SHARD_DONE + idx, job.gen);
      accumulate(ctl, job, b.grads);
    }
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  };
  if (job.stage !== undefined) {
    const all = Array.from({ length: job.count }, (_, s) => s);
    const mine = holds === undefined ? [] : all.filter(holds);
    for (const idx of [...mine, ...all]) if (claimShard(ctl, job.gen, idx)) run(idx);
    return n;
  }
  for (;;) {
    const idx = claim(ctl, job.gen, job.count);
    if (idx < 0) return n;
    run(idx);
  }
}

/**
 * The main thread waits until every item of the generation is done: true then. False when no item was
 * done for `stallMs` (a worker thread that claimed one stopped: killed, out of memory); the caller then
 * abandons these buffers and computes the job again itself.
 */
export function waitDone(ctl: Int32Array, count: number, stallMs: number): boolean {
  let last = Atomics.load(ctl, DONE);
  let since = Date.now();
  for (;;) {
    const d = Atomics.load(ctl, DONE);
    if (d >= count) return true;
    if (d !== last) {
      last = d;
      since = Date.now();
    } else if (Date.now() - since > stallMs) return false;
    if (spinUntil(ctl, DONE, d, SPIN_MS)) continue;
    Atomics.wait(ctl, DONE, d, 100);
  }
}

/**
 * Before it sleeps on a control word (Atomics.wait), a thread checks it in a loop for up to this long:
 * a parked worker catches the next step (the calling thread's update between steps is a few tenths of
 * a millisecond), the calling thread a shard finishing, without the wake-up's latency. Short, because a
 * spinning thread takes a core from the others on a busy machine (with 1 ms, and another 2 cores'
 * worth of jobs on the 2-core test machine, the 2-thread CNN step was not faster than without a spin).
 */
export const SPIN_MS = 0.25;

/**
 * Milliseconds on the platform's monotonic clock (performance.now), or Date.now where an engine has no
 * `performance` (a bare V8 context runs the core too: it never starts workers, but the engine is loaded).
 */
export const now: () => number = typeof performance === 'object' && typeof performance?.now === 'function' ? () => performance.now() : () => Date.now();

/** Checks word `i` for up to `ms` ms: true once it no longer holds `value`. */
export function spinUntil(ctl: Int32Array, i: number, value: number, ms: number): boolean {
  const end = now() + ms;
  do {
    for (let k = 0; k < 64; k++) if (Atomics.load(ctl, i) !== value) return true;
  } while (now() < end);
  return false;
}

/**
 * Adds the shards done, in shard order, into shard 0's slot (Job.sum), as far as they are done: shard k
 * is added once shards 0 … k−1 are. One thread at a time (ACC_LOCK); a thread that finds the lock taken
 * leaves its shard to the holder, who looks again after letting the lock go. Which thread adds which
 * shard never changes the numbers: each value is s0 + s1 + … in shard order, as one thread sums them.
 */
export function accumulate(ctl: Int32Array, job: Job, grads: Float64Array): void {
  const ranges = job.sum;
  if (ranges === undefined) return;
  const { gen, count, params: P } = job;
  for (;;) {
    if (Atomics.compareExchange(ctl, ACC_LOCK, 0, 1) !== 0) return;
    if (Atomics.load(ctl, GEN) !== gen) {
      Atomics.store(ctl, ACC_LOCK, 0); // a past generation's thread: nothing of its own to add
      return;
    }
    let k = Atomics.load(ctl, ACC);
    while (k < count && Atomics.load(ctl, SHARD_DONE + k) === gen) {
      if (k > 0) {
        const base = k * P;
        for (const [offset, n] of ranges) {
          for (let j = offset, end = offset + n; j < end; j++) grads[j] += grads[base + j];
        }
      }
      k++;
      Atomics.store(ctl, ACC, k);
    }
    Atomics.store(ctl, ACC_LOCK, 0);
    Atomics.notify(ctl, ACC);
    // a shard done while this thread held the lock: its thread left it here
    if (k >= count || Atomics.load(ctl, SHARD_DONE + k) !== gen) return;
  }
}

/**
 * The main thread, once every shard is done: waits until they are all added (Job.sum), adding them
 * itself when no other thread does. False after `stallMs` without progress (a thread that stopped while
 * it held the lock).
 */
export function waitSummed(ctl: Int32Array, job: Job, grads: Float64Array, stallMs: number): boolean {
  let last = -1;
  let since = Date.now();
  for (;;) {
    accumulate(ctl, job, grads);
    const k = Atomics.load(ctl, ACC);
    if (k >= job.count) return true;
    if (k !== last) {
      last = k;
      since = Date.now();
    } else if (Date.now() - since > stallMs) return false;
    if (!spinUntil(ctl, ACC, k, SPIN_MS)) Atomics.wait(ctl, ACC, k, 10);
  }
}

/** A worker parks this long after a training job (park) before it goes back to its messages. */
export const PARK_MS = 2000;

/**
 * A worker after a training job without stages (number `seq`): parked on GEN (a short spin, then
 * Atomics.wait) for the next generation; when it repeats that job (REPEAT and REPEAT_SEQ: the main
 * thread posts no message then), `run` computes it, and the worker parks again; any other job, or PARK_MS without one, sends it back to its
 * messages. Its parked word is 1 throughout: the main thread posts a repeated job only to workers that
 * are not parked, and a worker leaving looks at GEN once more after clearing the word (so a generation
 * opened meanwhile is never missed by both).
 */
export function park(ctl: Int32Array, slot: number, gen: number, seq: number, run: (gen: number) => void): void {
  const parked = slotParked(slot);
  Atomics.store(ctl, parked, 1);
  let last = gen;
  for (;;) {
    if (!spinUntil(ctl, GEN, last, SPIN_MS) && Atomics.wait(ctl, GEN, last, PARK_MS) === 'timed-out') {
      Atomics.store(ctl, parked, 0);
      if (Atomics.load(ctl, GEN) === last) return;
      Atomics.store(ctl, parked, 1); // opened just now: looked at below
    }
    const next = Atomics.load(ctl, GEN);
    const repeat = Atomics.load(ctl, REPEAT);
    const repeatSeq = Atomics.load(ctl, REPEAT_SEQ);
    if (Atomics.load(ctl, GEN) !== next) continue; // opened meanwhile: read again
    if (repeat !== next || repeatSeq !== seq) {
      Atomics.store(ctl, parked, 0); // another job: its message comes
      return;
    }
    run(next);
    last = next;
  }
}

/** A worker waits this long for the next stage of a staged step before it goes back to its messages. */
export const STAGE_WAIT_MS = 2000;

/**
 * A worker's side of a staged step (Job.step): every generation of the step, as the control words
 * announce them (STEP, STAGE), worked on as they open, until the step's last stage or another job.
 * `plan` is the step's stagePlan; `job` its first stage's job (the rest differs by gen and stage only).
 */
export function workStages(ctl: Int32Array, job: Job, plan: readonly Stage[], b: Buffers, compute: (job: Job, idx: number) => void, holds: (idx: number) => boolean): void {
  let last = -1;
  for (;;) {
    const gen = Atomics.load(ctl, GEN);
    const step = Atomics.load(ctl, STEP);
    const stage = Atomics.load(ctl, STAGE);
    if (Atomics.load(ctl, GEN) !== gen) continue; // opened meanwhile: read again
    if (step !== job.step || stage >= plan.length) return; // another job now
    if (gen !== last) {
      last = gen;
      // (a generation already done finds every shard claimed: nothing computed)
      const current: Job = { ...job, gen, stage: plan[stage], stageIndex: stage };
      work(ctl, current, b, (idx) => compute(current, idx), holds);
      if (stage === plan.length - 1) return;
    }
    if (Atomics.wait(ctl, GEN, gen, STAGE_WAIT_MS) === 'timed-out') return;
  }
}
