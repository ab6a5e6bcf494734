// The worker thread of data parallelism (Node worker_threads or a browser Web Worker). It holds a
// replica of the model, rebuilt from the model's JSON when the main thread sends a new one, and on
// each job claims items and computes them into the shared buffers (protocol.ts). It never keeps a
// Node process alive (the main thread unrefs it) and never writes anywhere but the shared buffers.
import { selectBackend } from '../kernels/backend.js';
import { modelFromJSON } from '../io/library.js';
import { BUFFER_NAMES, type BufferName, type Buffers, STEP, type Job, isCurrent, park, runItem, slotItems, slotReady, work, workStages } from './protocol.js';
import { Replica, stagePlan } from './shards.js';

/** What the main thread posts: any of the control buffer (with this thread's slot), new shared buffers, a new model, a job. */
export interface WorkerMessage {
  ctl?: SharedArrayBuffer;
  slot?: number;
  buffers?: Partial<Record<BufferName, SharedArrayBuffer>>;
  spec?: { id: number; json: string };
  job?: Job;
}

let ctl: Int32Array | undefined;
let slot = -1;
const views: Partial<Buffers> = {};
let replica: Replica | undefined;
let specId = -1;
let backend: 'wasm' | 'js' | undefined;

function receive(msg: WorkerMessage): void {
  if (msg.ctl !== undefined) {
    ctl = new Int32Array(msg.ctl);
    slot = msg.slot ?? -1;
    if (slot >= 0) Atomics.store(ctl, slotReady(slot), 1); // this thread runs (startThreads waits for it)
  }
  for (const [name, sab] of Object.entries(msg.buffers ?? {}) as [BufferName, SharedArrayBuffer][]) {
    if (!BUFFER_NAMES.includes(name)) continue;
    (views as Record<string, Float64Array | Uint8Array>)[name] = name === 'err' ? new Uint8Array(sab) : new Float64Array(sab);
  }
  if (msg.spec !== undefined) {
    // A model this thread can not rebuild is simply not worked on here: the other threads take its items
    try {
      const json = msg.spec.json;
      replica = new Replica(modelFromJSON(json, 'parallel worker'), () => modelFromJSON(json, 'parallel worker'));
      specId = msg.spec.id;
    } catch {
      replica = undefined;
      specId = -1;
    }
  }
  const job = msg.job;
  if (job === undefined || ctl === undefined || replica === undefined || job.spec !== specId) return;
  // a job of the past, queued while this thread was starting (a staged step still running is joined)
  if (!isCurrent(ctl, job.gen) && (job.step === undefined || Atomics.load(ctl, STEP) !== job.step)) return;
  const b = views as Buffers;
  if (BUFFER_NAMES.some((n) => b[n] === undefined)) return;
  if (backend !== job.backend) {
    if (!selectBackend(job.backend)) return; // no WebAssembly SIMD here: the same bits would not be certain
    backend = job.backend;
  }
  const r = replica;
  const c = ctl;
  replica.loadParameters(job.slots, b.params);
  // an item is counted before it is done: the main thread sees the count once it waited
  const counted = (): void => {
    if (slot >= 0) Atomics.add(c, slotItems(slot), 1);
  };
  if (job.step === undefined) {
    work(ctl, job, b, (idx) => {
      counted();
      runItem(job, b, r, idx);
    });
    if (job.kind !== 'train' || job.seq === undefined || slot < 0) return;
    // the next steps of the training, as long as they repeat this job: woken by the control words, not messages
    park(c, slot, job.gen, job.seq, (gen) => {
      const next: Job = { ...job, gen };
      r.loadParameters(next.slots, b.params);
      work(c, next, b, (idx) => {
        counted();
        runItem(next, b, r, idx);
      });
    });
    return;
  }
  // a staged step: its stages as they open (the parameters do not change between them)
  const step = job.step;
  workStages(ctl, job, stagePlan(job.norms?.length ?? 0), b, (stage, idx) => {
    counted();
    runItem(stage, b, r, idx);
  }, (idx) => r.holds(idx, step));
}

type NodeWorkerThreads = { parentPort: { on(event: 'message', f: (m: WorkerMessage) => void): void } | null; workerData: unknown };
const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
const nodeThreads = typeof getBuiltin === 'function' ? (getBuiltin('node:worker_threads') as NodeWorkerThreads) : undefined;

if (nodeThreads?.parentPort) {
  const data = nodeThreads.workerData as WorkerMessage | undefined;
  if (data !== undefined) receive(data);
  nodeThreads.parentPort.on('message', receive);
} else {
  const scope = globalThis as unknown as {
    onmessage: (e: { data: WorkerMessage }) => void;
    onmessageerror: () => void;
    postMessage: (m: { error: string }) => void;
  };
  scope.onmessage = (e) => receive(e.data);
  // e.g. a SharedArrayBuffer this worker may not receive (it is not cross-origin isolated): the calling
  // thread is told (pool.ts), stops this worker and says why in threadsNote()
  scope.onmessageerror = () => scope.postMessage({ error: 'a worker thread could not read the shared buffers (is it cross-origin isolated? its script needs COEP: require-corp)' });
}
