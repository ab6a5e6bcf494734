// Data parallelism, the main thread's side: which models are trained in shards, the shared buffers,
// the worker threads, and the two entry points the network calls (src/network/hooks.ts):
//
//   trainer(model)      a batch → shards (shards.ts: a count fixed by the batch and the model, never by
//                       the thread count) → each shard's forward/backward on whichever thread claims it
//                       → the shard gradients summed in shard order on this thread → the update.
//   forward(model, X)   evaluation and predict: the 32-sample chunks of modelForwardBatched, spread.
//
// With one thread the same shards run here one after the other: the numbers are the same for any
// thread count. compat: 'epynn' mode, and models with a layer whose traits (Layer.traits) do not allow
// shards, train each batch whole.
import { MAX_THREADS, checkOptions, checkThreadCount, show } from '../commons/checks.js';
import { EpyNNError } from '../errors.js';
import type { Layer } from '../commons/models.js';
import { NDArray, size } from '../commons/ndarray.js';
import { activeBackend } from '../kernels/backend.js';
import { BUILTIN_ACTIVATIONS } from '../activation/functions.js';
import { BUILTIN_INITIALIZERS } from '../initialization/functions.js';
import { type ParallelEngine, type ShardedTrainer, modelFormat, setParallelEngine } from '../network/hooks.js';
import type { EpyNN } from '../network/models.js';
import {
  BUFFER_NAMES, type BufferName, type Buffers, CONTROL_BYTES, ERR, ERR_ITEM, ERR_LEN, type Job, MAX_ITEMS,
  openGeneration, runItem, slotItems, slotParked, slotReady, now, waitDone, waitSummed, work, WORKER_SLOTS,
} from './protocol.js';
import { type WorkerHandle, availableCores, startWorker, threadsUnavailable } from './pool.js';
import {
  type MaskSlot, type NormSlot, Replica, type Slot, gatherParameters, normValues, parameterSlots, shardCount, stagePlan, stageReduce,
} from './shards.js';
import type { WorkerMessage } from './worker.js';

// ---------------------------------------------------------------------------------------------
// How many threads

/** At most this many threads by default (the cores beyond rarely pay for a small batch's shards). */
export const DEFAULT_MAX_THREADS = 8;
let threadsSetting: number | undefined;

/**
 * Sets the default number of threads for training, evaluation and predict (a model's own `threads`,
 * from initialize or train, comes first); undefined restores the default: the environment variable
 * EPYNN_THREADS, else the available cores (at most 8). 1 runs everything on the calling thread.
 * A count above the available cores is capped at the core count (said once in the model's log)
 * unless `force` is true (or the environment variable EPYNN_THREADS_FORCE=1).
 */
export function setThreads(threads: number | undefined, options?: { force?: boolean }): void {
  const { force = false } = checkOptions('setThreads', options, ['force'], { call: 'setThreads', lead: 'threads, ', primary: 'force', example: 'true' });
  if (typeof force !== 'boolean') throw new EpyNNError(`setThreads: force must be true or false, got ${show(force)}`);
  threadsSetting = threads === undefined ? undefined : checkThreadCount('setThreads', threads);
  forceSetting = force;
}

/** The default number of threads (see setThreads). */
export function getThreads(): number {
  if (threadsSetting !== undefined) return threadsSetting;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.EPYNN_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new EpyNNError(`EPYNN_THREADS must be an integer from 1 to ${MAX_THREADS}, got '${env}'`);
    return n;
  }
  return Math.min(DEFAULT_MAX_THREADS, availableCores());
}

let forceSetting = false;

/**
 * Whether thread counts above the available cores run as asked (setThreads(n, { force: true }) or
 * the environment variable EPYNN_THREADS_FORCE=1); by default they are capped at the core count.
 */
export function threadsForced(): boolean {
  if (forceSetting) return true;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.EPYNN_THREADS_FORCE;
  if (env === undefined || env === '' || env === '0') return false;
  if (env === '1') return true;
  throw new EpyNNError(`EPYNN_THREADS_FORCE must be 1 or 0, got '${env}'`);
}

/**
 * More threads than cores only wait for each other (and each worker holds a model replica): `threads`
 * above availableCores() runs that many, said once in the model's log, unless forced. Returns the
 * threads to run and, when capped, the note that says so ('' when not).
 */
function cappedThreads(model: EpyNN | undefined, threads: number): { threads: number; note: string } {
  const cores = availableCores();
  // where no worker can start, the model runs on one thread and says why (not a cap)
  if (threads <= cores || threadsForced() || threadsUnavailable() !== '') return { threads, note: '' };
  const note = `threads: ${threads} asked for, but this machine has ${cores} core${cores === 1 ? '' : 's'}: running ${cores} (setThreads(${threads}, { force: true }) or EPYNN_THREADS_FORCE=1 runs ${threads} anyway)`;
  if (model !== undefined) noteOnce(model, note);
  return { threads: cores, note };
}

/** Threads for this model: its own setting, else the default. */
function threadsOf(model: EpyNN): number {
  return model.threads ?? getThreads();
}

/** Whether the thread count was chosen (by the model or setThreads), not the default. */
const threadsChosen = (model: EpyNN): boolean => model.threads !== undefined || threadsSetting !== undefined;

const noted = new Set<string>();
/** Says `text` once per process in the model's log. */
function noteOnce(model: EpyNN, text: string): void {
  if (noted.has(text)) return;
  noted.add(text);
  model.logger.line(`NOTE: ${text}`);
}

let lastNote = '';
/** Why startThreads() resolved with fewer threads than asked for ('' when it did not, or once a worker computed an item). */
let startNote = '';
/**
 * Why the last training, evaluation or predict with more than one thread asked for ran on fewer threads
 * (on one, or capped at the cores; '' if it did not); or why startThreads() started fewer threads than
 * asked for, until a worker thread computes.
 */
export function threadsNote(): string {
  return lastNote || startNote;
}

// ---------------------------------------------------------------------------------------------
// Which models

/** The names of the library's activations and initializers (every worker thread has them). */
const BUILTIN_FUNCTIONS = new Set<string>([...Object.keys(BUILTIN_ACTIVATIONS), ...Object.keys(BUILTIN_INITIALIZERS)]);

/**
 * Why the model trains each batch whole ('' when it trains in shards), from what its layers declare
 * (Layer.traits): samples independent, no batch statistics, random draws the engine can make beforehand.
 */
function unshardedReason(model: EpyNN): string {
  if (model.compat === 'epynn') return "compat: 'epynn' trains each batch whole, in EpyNN's order of operations";
  return model.layers.map(layerReason).find((why) => why !== '') ?? '';
}

/** Why this layer keeps a training batch whole ('' when it can be sharded). */
function layerReason(layer: Layer): string {
  const t = layer.traits;
  if (t.batchStatistics) {
    // reduced over the shards (Trainer.stagedStep) when the layer says how (BatchNormalization)
    if (typeof layer.batchReduction === 'function') return '';
    return `the layer ${layer.name} computes statistics over the batch (traits.batchStatistics), so each batch trains whole (it has no batchReduction() to reduce them over shards)`;
  }
  if (!t.samplesIndependent) {
    return `the layer ${layer.name} does not declare its samples independent (traits.samplesIndependent; a layer of your own may mix the samples of a batch), so each batch trains whole`;
  }
  if (t.drawsRandom && typeof layer.randomShape !== 'function') {
    return `the layer ${layer.name} draws random numbers (traits.drawsRandom) without randomShape(m, sample), so each batch trains whole`;
  }
  return '';
}

/** Why evaluation and predict do not spread over threads ('' when they can): samples must be independent outside training. */
function forwardReason(model: EpyNN): string {
  // batch statistics are running statistics outside training: the samples are independent there
  const layer = model.layers.find((l) => !l.traits.samplesIndependent && !l.traits.batchStatistics);
  return layer === undefined ? '' : `the layer ${layer.name} does not declare its samples independent`;
}

/**
 * Why worker threads can not hold a replica of the model ('' when they can): a function of your own
 * (registered on this thread only) among the activations and initializers a layer's options name, as
 * its toConfig() declares them for the model file.
 */
function workerReason(model: EpyNN): string {
  for (const layer of model.layers) {
    for (const [k, v] of Object.entries(layer.toConfig())) {
      if ((k.startsWith('activate') || k === 'initialization') && typeof v === 'string' && !BUILTIN_FUNCTIONS.has(v)) {
        return `${layer.name}.${k} is a function of your own, which worker threads do not have ('${v}' is registered on this thread only)`;
      }
    }
  }
  return '';
}

// ---------------------------------------------------------------------------------------------
// Replicas

interface Spec {
  key: string;
  id: number;
  json: string;
  replica: Replica;
  slots: Slot[];
  params: number;
  /** Per layer: the shape of one sample of its input; and of the network output. */
  inputs: number[][];
  output: number[];
}

const specs = new WeakMap<EpyNN, Spec>();
/** Why the last replica could not be built. */
let specFailure = '';
let nextSpec = 1;

/** What a replica depends on: the architecture, not the parameter values (copied in for every job). */
function architectureKey(model: EpyNN): string {
  return JSON.stringify([
    model.loss,
    model.embedding.fs.X?.slice(1),
    model.layers.map((l) => [l.name, l.toConfig(), l.trainable, Object.entries(l.p).map(([k, P]) => [k, P.shape])]),
  ]);
}

/** The model's replica for this thread (rebuilt when the architecture changed), or undefined if it can not be built. */
function specOf(model: EpyNN): Spec | undefined {
  const key = architectureKey(model);
  const known = specs.get(model);
  if (known !== undefined && known.key === key) return known;
  const format = modelFormat('parallel');
  let json: string;
  let replica: Replica;
  try {
    json = JSON.stringify(format.toJSON(model, { withoutOptimizer: true })); // replicas never update: no optimizer (one of your own needs no registering)
    replica = new Replica(format.fromJSON(json), () => format.fromJSON(json));
  } catch (err) {
    // e.g. an activation not registered by name: the model trains here, unsharded
    specFailure = `the model can not be copied for the threads (${err instanceof Error ? err.message : String(err)})`;
    return undefined;
  }
  const { slots, total } = parameterSlots(model);
  const { inputs, output } = replica.sampleShapes(model.embedding.fs.X!.slice(1));
  const spec: Spec = { key, id: nextSpec++, json, replica, slots, params: total, inputs, output };
  specs.set(model, spec);
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Shared buffers and workers

interface Region {
  view: Float64Array | Uint8Array;
  version: number;
}

class Pool {
  readonly shared: boolean;
  readonly ctl: Int32Array;
  private readonly ctlBuffer: SharedArrayBuffer | undefined;
  private readonly regions = new Map<BufferName, Region>();
  readonly workers: WorkerHandle[] = [];
  private started = 0;
  private gen = 0;
  /** Numbers the training jobs posted (Job.seq). */
  private seq = 0;
  /** Why the last worker that failed did ('' if none did). */
  failure = '';

  constructor(shared: boolean) {
    this.shared = shared;
    this.ctlBuffer = shared ? new SharedArrayBuffer(CONTROL_BYTES) : undefined;
    this.ctl = new Int32Array(this.ctlBuffer ?? new ArrayBuffer(CONTROL_BYTES));
  }

  /**
   * Starts workers (in the background) until `n` are alive; a failing one is replaced at most once per
   * thread asked for. Returns false when none can run (every start failed).
   */
  ensureWorkers(n: number): boolean {
    if (!this.shared) return false;
    for (let i = this.workers.length - 1; i >= 0; i--) {
      if (this.workers[i].alive) continue;
      if (this.workers[i].error !== '') this.failure = this.workers[i].error;
      this.workers.splice(i, 1);
    }
    while (this.workers.length < n && this.started < 2 * n + 2 && this.started < WORKER_SLOTS) {
      this.workers.push(startWorker(this.ctlBuffer!, this.started++));
    }
    return this.workers.length > 0;
  }

  /** Workers alive that run (their module loaded and their first message received). */
  running(): number {
    return this.workers.filter((w) => w.alive && Atomics.load(this.ctl, slotReady(w.slot)) === 1).length;
  }

  /** Counts the workers that computed their first items (threadStats().workers). */
  private countWorked(): void {
    for (const w of this.workers) {
      if (w.worked || Atomics.load(this.ctl, slotItems(w.slot)) === 0) continue;
      w.worked = true;
      workerThreads++;
      startNote = '';
    }
  }

  /** The buffer `name` with room for n values (bytes for 'err'), grown (a new buffer) when too small. */
  buffer(name: 'err', n: number): Uint8Array;
  buffer(name: Exclude<BufferName, 'err'>, n: number): Float64Array;
  buffer(name: BufferName, n: number): Float64Array | Uint8Array {
    const r = this.regions.get(name);
    if (r !== undefined && r.view.length >= n) return r.view;
    const count = Math.max(n, r === undefined ? 0 : Math.ceil(r.view.length * 1.5), 16);
    const bytes = name === 'err' ? count : count * 8;
    const buf = this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    const view = name === 'err' ? new Uint8Array(buf) : new Float64Array(buf);
    this.regions.set(name, { view, version: (r?.version ?? 0) + 1 });
    return view;
  }

  private buffers(): Buffers {
    const b: Partial<Record<BufferName, Float64Array | Uint8Array>> = {};
    for (const name of BUFFER_NAMES) b[name] = this.regions.get(name)?.view ?? (name === 'err' ? this.buffer('err', 4096) : this.buffer(name, 16));
    return b as unknown as Buffers;
  }

  /**
   * Runs one generation: posts the job to the workers (with whatever buffers and model they lack),
   * takes items here too, waits for all of them. A failed item is computed again here, so that its
   * error is thrown with its own class and message.
   */
  run(model: EpyNN, jobIn: Omit<Job, 'gen'>, spec: Spec, useWorkers: boolean): boolean {
    const p0 = now();
    const b = this.buffers();
    const job: Job = { ...jobIn, gen: ++this.gen };
    // a staged step's job is posted once, with its first stage: the workers follow the rest (workStages)
    const post = useWorkers && job.count > 1 && (job.stageIndex ?? 0) === 0;
    // a training job without stages that repeats the last one posted to every worker (all but the
    // generation equal, no new buffers or model): parked workers (protocol.ts, park) take it from the
    // control words, without a message
    const repeatable = post && job.kind === 'train' && job.step === undefined;
    const alive = this.workers.filter((w) => w.alive);
    const seq = alive[0]?.job?.seq;
    const repeat = repeatable && seq !== undefined && alive.every((w) => w.job !== undefined && w.job.seq === seq && sameJob(w.job, job) && w.spec === spec.id && this.versionsOf(w));
    if (repeatable) job.seq = repeat ? seq : ++this.seq; // a job's number, kept by its repeats
    // once per step (the stages of a staged step after the first find them there); before the
    // generation opens: a parked worker starts on it at once
    if (post) gatherParameters(model, job.slots, this.buffer('params', job.params));
    testHooks.beforeOpen?.(this.ctl, job.gen);
    openGeneration(this.ctl, job.gen, job.step === undefined ? undefined : { step: job.step, stage: job.stageIndex ?? 0 }, repeat ? job.seq : 0);
    testHooks.afterOpen?.(this.ctl, job.gen);
    if (post) {
      for (const w of alive) {
        // parked: it runs the repeated job (and looks at GEN once more before it unparks)
        if (repeat && Atomics.load(this.ctl, slotParked(w.slot)) === 1) {
          stats.unposted++;
          continue;
        }
        const msg: WorkerMessage = { job };
        for (const [name, r] of this.regions) {
          if (w.versions[name] === r.version) continue;
          (msg.buffers ??= {})[name] = r.view.buffer as SharedArrayBuffer;
          w.versions[name] = r.version;
        }
        if (w.spec !== spec.id) {
          msg.spec = { id: spec.id, json: spec.json };
          w.spec = spec.id;
        }
        if (!repeat) w.job = repeatable ? job : undefined; // (a repeat keeps the job and its number)
        w.post(msg);
      }
    }
    const p1 = now();
    profile.post += p1 - p0;
    const replica = spec.replica;
    replica.shareParameters(model, job.slots);
    let longest = 0;
    const failedHere = new Map<number, unknown>(); // the errors of items computed on this thread
    const holds = job.step === undefined ? undefined : (idx: number): boolean => replica.holds(idx, job.step!);
    const here = work(this.ctl, job, b, (idx) => {
      const t0 = Date.now();
      try {
        runItem(job, b, replica, idx);
      } catch (err) {
        failedHere.set(idx, err);
        throw err;
      }
      longest = Math.max(longest, Date.now() - t0);
    }, holds);
    const p2 = now();
    profile.work += p2 - p1;
    profile.here += here;
    // A worker that claimed an item and stopped (killed, out of memory) must not hang this thread:
    // after a long stall these buffers are abandoned (a late write lands in them, not in the next
    // job's) and the caller computes the job again on one thread
    const stallMs = testHooks.stallMs ?? Math.max(STALL_MS, 20 * longest);
    if (!waitDone(this.ctl, job.count, stallMs) || (job.sum !== undefined && !waitSummed(this.ctl, job, b.grads, stallMs))) {
      this.abandon();
      return false;
    }
    profile.wait += now() - p2;
    stats.items += job.count;
    stats.here += here;
    totals.items += job.count;
    totals.here += here;
    if (here < job.count) this.countWorked();
    if (Atomics.load(this.ctl, ERR) !== 0) {
      const idx = Atomics.load(this.ctl, ERR_ITEM);
      const message = new TextDecoder().decode(b.err.slice(0, Atomics.load(this.ctl, ERR_LEN)));
      if (failedHere.has(idx)) throw failedHere.get(idx); // it ran here: its own error, as thrown
      runItem(job, b, replica, idx); // throws the error itself
      throw new EpyNNError(`parallel: item ${idx} failed on a worker thread (computed again on the calling thread, it did not fail): ${message}`);
    }
    return true;
  }

  /** Whether the worker has every buffer as it is now. */
  private versionsOf(w: WorkerHandle): boolean {
    for (const [name, r] of this.regions) if (w.versions[name] !== r.version) return false;
    return true;
  }

  /** Stops every worker and retires the pool (its buffers are never used again). */
  private abandon(): void {
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
    if (sharedPool === this) sharedPool = undefined;
  }

  /**
   * Copies the inputs `names` (their first n values) into `to`, for a job computed again there.
   */
  copyInputs(to: Pool, names: readonly [Exclude<BufferName, 'err'>, number][]): void {
    for (const [name, n] of names) to.buffer(name, n).set(this.buffer(name, n).subarray(0, n));
  }
}

/**
 * @internal Where this thread spent the sharded jobs, in ms since reset (bench/tools/scaleprof.ts):
 * handing the job to the workers (parameters copied, messages posted), computing items here, waiting
 * for the other threads (and the last shards' sum), the gradients copied out; the items computed here.
 */
export const profile = { post: 0, work: 0, wait: 0, sum: 0, here: 0 };

/** Whether two training jobs are the same but for their generation (a repeated job: Pool.run). */
function sameJob(a: Job, b: Job): boolean {
  const same = (x: readonly unknown[] | undefined, y: readonly unknown[] | undefined): boolean => x === y || JSON.stringify(x) === JSON.stringify(y);
  return a.kind === b.kind && a.phase === b.phase && a.count === b.count && a.m === b.m && a.chunk === b.chunk && a.params === b.params
    && a.backend === b.backend && a.spec === b.spec && a.step === b.step && a.stage === b.stage
    && same(a.xShape, b.xShape) && same(a.yShape, b.yShape) && same(a.aShape, b.aShape) && same(a.slots, b.slots) && same(a.masks, b.masks) && same(a.sum, b.sum);
}

/** No item done for this long (at least; 20× the longest item this thread computed): a worker stopped. */
export const STALL_MS = 10_000;

/** @internal Test hooks: a stall timeout, and calls right before and after a generation opens (to fake a stuck worker). */
export const testHooks: { stallMs?: number; beforeOpen?: (ctl: Int32Array, gen: number) => void; afterOpen?: (ctl: Int32Array, gen: number) => void } = {};

/**
 * Runs a job on `pool`; when a worker stalled it, says so once and computes the job again on the
 * local pool (the inputs `inputs` copied there). Returns the pool that holds the results.
 */
function runJob(model: EpyNN, pool: Pool, job: Omit<Job, 'gen'>, spec: Spec, useWorkers: boolean, inputs: readonly [Exclude<BufferName, 'err'>, number][]): Pool {
  if (pool.run(model, job, spec, useWorkers)) return pool;
  lastNote = 'running on one thread: a worker thread stopped answering (no work item done for a long time); new worker threads start with the next train(), evaluate() or predict()';
  noteOnce(model, lastNote);
  const local = (localPool ??= new Pool(false));
  pool.copyInputs(local, inputs);
  // a stage of a staged step: as a new step, so that no replica uses layer caches that point into the abandoned buffers
  local.run(model, job.step === undefined ? job : { ...job, step: nextStep++ }, spec, false);
  return local;
}

/**
 * @internal Items computed in all, and on this thread (tests check that workers took some); repeated
 * training jobs left to parked workers without a message (protocol.ts, park).
 */
export const stats = { items: 0, here: 0, unposted: 0 };

/**
 * Work items (training shards, forward chunks spread over threads) run since the process started, how
 * many of them worker threads computed, and how many worker threads computed some (the threads that
 * did the work: this one plus `workers`).
 */
export function threadStats(): { items: number; workerItems: number; workers: number } {
  return { items: totals.items, workerItems: totals.items - totals.here, workers: workerThreads };
}
const totals = { items: 0, here: 0 };
let workerThreads = 0;

let sharedPool: Pool | undefined;
let localPool: Pool | undefined;

/**
 * The pool for a job on `threads` threads of a model whose replica workers can hold (`workable`):
 * the shared one, with threads − 1 workers, when possible; else the local one (this thread only).
 * Says once, in the model's log, why fewer threads run than asked for.
 */
function poolFor(model: EpyNN, asked: number, workable: string): { pool: Pool; workers: boolean } {
  const { threads, note } = cappedThreads(model, asked);
  if (threads > 1) {
    const why = threadsUnavailable() || workable;
    if (why === '') {
      sharedPool ??= new Pool(true);
      if (sharedPool.ensureWorkers(threads - 1)) {
        lastNote = note;
        if (startNote !== '') noteOnce(model, startNote); // startThreads gave up on some: the log says so
        return { pool: sharedPool, workers: true };
      }
    }
    lastNote = `running on one thread: ${why || `worker threads failed to start (${sharedPool?.failure || 'no reason given'})`}`;
    noteOnce(model, lastNote);
  } else if (asked > 1) lastNote = note; // capped at one core
  localPool ??= new Pool(false);
  return { pool: localPool, workers: false };
}

/** @internal The shared pool's worker threads that run (tests check startThreads waited for them). */
export function runningWorkers(): number {
  return sharedPool?.running() ?? 0;
}

/** startThreads waits this long at most for the workers to run. */
export const START_TIMEOUT_MS = 10_000;

/**
 * Starts the worker threads for `threads` threads now (default: getThreads(); capped at the cores as
 * training caps it) and resolves once they run, or after `timeoutMs` (10 s): the number of threads
 * that can take work, this one included. Fewer than asked for: threadsNote() says why.
 *
 * Training, evaluation and predict start their workers themselves, in the background, and the workers
 * join when they run. But a browser starts a Web Worker only when the thread that created it returns
 * to its event loop, and train() is one synchronous call: in a Web Worker it would run to its end on
 * that thread alone. There, `await startThreads()` before training. In Node it only saves the workers'
 * start-up at the first batches.
 */
export async function startThreads(threads?: number, options?: { timeoutMs?: number }): Promise<number> {
  const { timeoutMs = START_TIMEOUT_MS } = checkOptions('startThreads', options, ['timeoutMs'], { call: 'startThreads', lead: 'threads, ', primary: 'timeoutMs', example: '10000' });
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw new EpyNNError(`startThreads: timeoutMs must be a number >= 0, got ${show(timeoutMs)}`);
  const { threads: n, note } = cappedThreads(undefined, threads === undefined ? getThreads() : checkThreadCount('startThreads', threads));
  if (n <= 1) {
    startNote = note; // '' when one was asked for
    return 1;
  }
  const why = threadsUnavailable();
  if (why !== '') {
    startNote = `running on one thread: ${why}`;
    return 1;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pool = (sharedPool ??= new Pool(true));
    const some = pool.ensureWorkers(n - 1); // replaces a worker that failed
    const running = pool.running();
    if (running >= n - 1) {
      startNote = note;
      return n;
    }
    if (!some || Date.now() >= deadline) {
      const failure = pool.failure || pool.workers.find((w) => w.error !== '')?.error || '';
      const cause = !some
        ? `worker threads failed to start (${failure || 'no reason given'})`
        : `${n - 1 - running} of ${n - 1} worker threads did not start within ${timeoutMs} ms${failure ? ` (${failure})` : ''}`;
      startNote = `running on ${running === 0 ? 'one thread' : `${running + 1} threads of ${n}`}: ${cause}`;
      return running + 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 5)); // this thread's event loop: where a browser starts its workers
  }
}

// ---------------------------------------------------------------------------------------------
// Training

/** Numbers the staged training steps (Job.step): a replica knows which step its shard's caches are of. */
let nextStep = 1;

class Trainer implements ShardedTrainer {
  /** The layers that draw random numbers in forward (traits.drawsRandom), with their index. */
  private readonly masks: { layer: Layer; index: number }[];
  /** The layers with batch statistics (traits.batchStatistics, reduced over the shards), by index. */
  private readonly norms: number[];

  constructor(
    private readonly model: EpyNN,
    private readonly spec: Spec,
    private pool: Pool,
    private useWorkers: boolean,
  ) {
    this.masks = model.layers.flatMap((layer, index) => (layer.traits.drawsRandom ? [{ layer, index }] : []));
    this.norms = model.layers.flatMap((layer, index) => (index > 0 && layer.traits.batchStatistics ? [index] : []));
    this.sumRanges = spec.slots.filter((s) => s.gradient).map((s): [number, number] => [s.offset, s.size]);
  }

  /** The gradient ranges of a slot (Job.sum). */
  private readonly sumRanges: [number, number][];

  step(X: NDArray, Y: NDArray): NDArray {
    const { model, spec, pool } = this;
    const m = X.shape[0];
    const S = shardCount(m, spec.params);
    const xRow = m === 0 ? 0 : X.data.length / m;
    const yRow = m === 0 ? 0 : Y.data.length / m;
    const aRow = size(spec.output);
    const P = spec.params;
    pool.buffer('params', P);
    pool.buffer('X', m * xRow).set(X.data);
    pool.buffer('Y', m * yRow).set(Y.data);
    pool.buffer('A', m * aRow);
    pool.buffer('grads', S * P);
    // Layers that draw (Dropout): the whole batch's numbers drawn here, layer by layer, as one forward
    // would draw them (Layer.randomShape: one row per sample, or one row shared by every sample)
    const masks: MaskSlot[] = [];
    let offset = 0;
    for (const { layer, index } of this.masks) {
      const shape = layer.randomShape!(m, spec.inputs[index]);
      if (shape[0] !== m && shape[0] !== 1) throw new EpyNNError(`parallel: ${layer.name}.randomShape(${m}, ...) must have ${m} or 1 rows first, got ${JSON.stringify(shape)}`);
      masks.push({ layer: index, offset, shape });
      offset += size(shape);
    }
    const U = pool.buffer('U', offset);
    for (const [k, { layer }] of this.masks.entries()) {
      const { offset: o, shape } = masks[k];
      for (let i = 0, n = size(shape); i < n; i++) U[o + i] = layer.rng.uniform();
    }
    const job: Omit<Job, 'gen'> = { kind: 'train', phase: 'training', count: S, m, chunk: 0, xShape: X.shape.slice(1), yShape: Y.shape.slice(1), aShape: spec.output, params: P, slots: spec.slots, masks, backend: activeBackend(), spec: spec.id };
    const inputs: [Exclude<BufferName, 'err'>, number][] = [['X', m * xRow], ['Y', m * yRow], ['U', offset]];
    // Without stages the threads add the shards' gradients into shard 0's slot as the shards finish
    // (protocol.ts, accumulate): the sum overlaps the shards still computed
    const staged = this.norms.length > 0;
    if (!staged) job.sum = this.sumRanges;
    const ran = staged ? this.stagedStep(job, inputs) : runJob(model, pool, job, spec, this.useWorkers, inputs);
    if (ran !== pool) {
      // a worker stopped: the rest of this train() call runs here
      this.pool = ran;
      this.useWorkers = false;
    }
    // The shards' gradients, summed in shard order into each layer's g
    const q0 = now();
    const grads = ran.buffer('grads', S * P);
    const Aout = ran.buffer('A', m * aRow);
    for (const s of spec.slots) {
      if (!s.gradient) continue; // no gradient (running statistics)
      const layer = model.layers[s.layer];
      const key = `d${s.key}`;
      let G = layer.g[key];
      if (G === undefined || G.data.length !== s.size) G = layer.g[key] = new NDArray(new Float64Array(s.size), layer.p[s.key].shape);
      const g = G.data;
      g.set(grads.subarray(s.offset, s.offset + s.size));
      if (!staged) continue; // summed there already
      for (let shard = 1; shard < S; shard++) {
        const base = shard * P + s.offset;
        for (let j = 0; j < s.size; j++) g[j] += grads[base + j];
      }
    }
    profile.sum += now() - q0;
    return new NDArray(Aout.subarray(0, m * aRow), [m, ...spec.output]);
  }

  /**
   * A step of a model with batch statistics (BatchNormalization): the stages of shards.ts (Stage) one
   * generation each; after each, the shards' partial sums added in shard order here (stageReduce), so
   * that every shard's BatchNormalization uses the whole batch's μ, σ² and gradient sums. The model's
   * own BatchNormalization layers get the batch's statistics (the update moves the running ones).
   * Returns the pool that holds the results.
   */
  private stagedStep(job: Omit<Job, 'gen'>, inputs: [Exclude<BufferName, 'err'>, number][]): Pool {
    const { model, spec } = this;
    const { m, count: S } = job;
    const norms: NormSlot[] = [];
    let z = 0;
    let b = 0;
    for (const index of this.norms) {
      const shape = spec.inputs[index];
      const n = model.layers[index].batchReduction!().channels;
      const sample = size(shape);
      norms.push({ layer: index, n, shape, rows: (m * sample) / n, z, d: z, b });
      z += m * sample;
      b += normValues(n);
    }
    let pool = this.pool;
    pool.buffer('Z', z);
    pool.buffer('D', z);
    pool.buffer('B', b);
    inputs.push(['Z', z], ['D', z], ['B', b], ['grads', S * job.params], ['A', m * size(job.aShape)]);
    let step = nextStep++;
    for (const [stageIndex, stage] of stagePlan(norms.length).entries()) {
      const ran = runJob(model, pool, { ...job, stage, stageIndex, norms, step }, spec, this.useWorkers && pool === this.pool, inputs);
      stageReduce(stage, norms, S, ran.buffer('B', b));
      if (ran !== pool) step = nextStep++; // computed again here: the rest of the step from the copied buffers
      pool = ran;
    }
    const B = pool.buffer('B', b);
    for (const nm of norms) {
      const { n, b: o } = nm;
      model.layers[nm.layer].batchReduction!().acceptStatistics(B.subarray(o, o + n), B.subarray(o + n, o + 2 * n), nm.rows);
    }
    return pool;
  }

  close(): void {
    // The workers stay for the next call (idle, unref'd); the buffers too (they are reused)
  }
}

function trainer(model: EpyNN): ShardedTrainer | undefined {
  const threads = threadsOf(model);
  const why = unshardedReason(model);
  if (why !== '') {
    if (threads > 1 && threadsChosen(model)) {
      lastNote = `running on one thread: ${why}`;
      noteOnce(model, lastNote);
    }
    return undefined;
  }
  if (model.embedding.fs.X === undefined) return undefined;
  const spec = specOf(model);
  if (spec === undefined) {
    if (threads > 1) {
      lastNote = `running on one thread: ${specFailure}`;
      noteOnce(model, lastNote);
    }
    return undefined;
  }
  const { pool, workers } = poolFor(model, threads, workerReason(model));
  return new Trainer(model, spec, pool, workers);
}

// ---------------------------------------------------------------------------------------------
// Evaluation and predict

function forward(model: EpyNN, X: NDArray, batch: number, phase: 'evaluation' | 'prediction'): NDArray | undefined {
  const threads = threadsOf(model);
  const m = X.shape[0];
  if (threads <= 1 || model.compat === 'epynn' || m <= batch) return undefined;
  if (Math.ceil(m / batch) > MAX_ITEMS) return undefined;
  const sample = model.embedding.fs.X?.slice(1);
  if (sample === undefined || X.shape.length !== sample.length + 1 || X.shape.some((s, i) => i > 0 && s !== sample[i - 1])) {
    return undefined; // not what the model takes: the forward here names the problem
  }
  if (forwardReason(model) !== '') return undefined;
  const spec = specOf(model);
  if (spec === undefined) return undefined;
  const { pool, workers } = poolFor(model, threads, workerReason(model));
  if (!workers) return undefined; // one thread: modelForwardBatched gives the same outputs
  const xRow = size(sample);
  const aRow = size(spec.output);
  pool.buffer('params', spec.params);
  pool.buffer('X', m * xRow).set(X.data);
  pool.buffer('A', m * aRow);
  pool.buffer('grads', 0);
  pool.buffer('Y', 0);
  pool.buffer('U', 0);
  const job: Omit<Job, 'gen'> = { kind: 'forward', phase, count: Math.ceil(m / batch), m, chunk: batch, xShape: sample, yShape: [], aShape: spec.output, params: spec.params, slots: spec.slots, masks: [], backend: activeBackend(), spec: spec.id };
  const ran = runJob(model, pool, job, spec, true, [['X', m * xRow]]);
  return new NDArray(ran.buffer('A', m * aRow).slice(0, m * aRow), [m, ...spec.output]);
}

const engine: ParallelEngine = { trainer, forward };
setParallelEngine(engine);
