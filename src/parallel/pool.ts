// The worker threads themselves: where they can run, how many cores there are, and starting one.
// Node: worker_threads (reached through process.getBuiltinModule, so the library core imports no Node
// module), unref'd so that a script that has trained ends by itself. Browsers: module Web Workers, in
// a cross-origin isolated page (SharedArrayBuffer), from code that may block (a worker: a page's main
// thread may not wait on Atomics). Anywhere else everything runs on the calling thread.
import type { Job } from './protocol.js';
import type { WorkerMessage } from './worker.js';

/** A started worker thread. */
export interface WorkerHandle {
  post(msg: WorkerMessage): void;
  /** Stops the thread (a worker that stopped answering). */
  terminate(): void;
  /** False once it failed or exited (it then takes no more items). */
  alive: boolean;
  /** Why it failed ('' if it did not), e.g. its entry module could not be loaded. */
  error: string;
  /** Its slot in the control buffer (protocol.ts: whether it runs, the items it claimed). */
  slot: number;
  /** True once it computed an item. */
  worked: boolean;
  /** The model replica it holds (spec id), and the version of each shared buffer it has. */
  spec: number;
  versions: Record<string, number>;
  /** The training job last posted to it (undefined after any other job): what a repeated job is compared with. */
  job: Job | undefined;
}

type GlobalWithProcess = {
  process?: {
    versions?: { node?: string };
    execArgv?: string[];
    getBuiltinModule?: (id: string) => unknown;
  };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: new (url: URL, options: { type: 'module' }) => {
    postMessage(m: unknown): void;
    terminate(): void;
    onerror: ((e: unknown) => void) | null;
    onmessage: ((e: unknown) => void) | null;
  };
  window?: unknown;
};
const g = globalThis as GlobalWithProcess;

const nodeBuiltin = <T>(id: string): T | undefined => {
  const get = g.process?.getBuiltinModule;
  return typeof get === 'function' ? (get(id) as T) : undefined;
};

const isNode = typeof g.process?.versions?.node === 'string';

/** Cores available to this process (Node: os.availableParallelism; browsers: navigator.hardwareConcurrency). */
export function availableCores(): number {
  if (isNode) {
    const os = nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
    const n = os?.availableParallelism?.() ?? os?.cpus().length ?? 1;
    return Math.max(1, n);
  }
  return Math.max(1, g.navigator?.hardwareConcurrency ?? 1);
}

/** Why worker threads can not run here ('' when they can). */
export function threadsUnavailable(): string {
  if (typeof SharedArrayBuffer === 'undefined') {
    return isNode ? 'SharedArrayBuffer is not available' : 'SharedArrayBuffer is not available (the page is not cross-origin isolated: serve it with COOP: same-origin and COEP: require-corp)';
  }
  if (isNode) {
    if (nodeBuiltin('node:worker_threads') === undefined) return 'process.getBuiltinModule is missing (Node 20.16 or later is needed for worker threads)';
    return '';
  }
  if (g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp)';
  if (typeof g.Worker !== 'function') return 'Web Workers are not available';
  if (g.window !== undefined) return "a page's main thread may not wait for workers (train in a Web Worker to use several threads)";
  return '';
}

type NodeWorker = {
  on(event: 'error' | 'exit', f: (x: unknown) => void): void;
  unref(): void;
  postMessage(m: unknown): void;
  terminate(): Promise<number>;
};
type NodeWorkerThreads = { Worker: new (code: string | URL, options: Record<string, unknown>) => NodeWorker };

/** Starts a Node worker: the compiled worker.js, or from TypeScript sources through tsx (a dev dependency). */
function startNodeWorker(first: WorkerMessage, handle: WorkerHandle): { post: (m: WorkerMessage) => void; terminate: () => void } {
  const threads = nodeBuiltin<NodeWorkerThreads>('node:worker_threads')!;
  const here = import.meta.url;
  let worker: NodeWorker;
  if (here.endsWith('.ts')) {
    // Sources run by tsx or vitest: load tsx's ESM hooks in the worker first, then the .ts entry
    const { createRequire } = nodeBuiltin<{ createRequire: (u: string) => { resolve: (id: string) => string } }>('node:module')!;
    const tsxPackage = createRequire(here).resolve('tsx/package.json');
    const api = new URL(`file://${tsxPackage.replace(/package\.json$/, 'dist/esm/api/index.mjs')}`).href;
    const entry = new URL('./worker.ts', here).href;
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    worker = new threads.Worker(code, { eval: true, workerData: first, execArgv: [] });
  } else {
    worker = new threads.Worker(new URL('./worker.js', here), { workerData: first, execArgv: [] });
  }
  worker.on('error', (e) => {
    handle.alive = false;
    handle.error = e instanceof Error ? e.message : String(e);
  });
  worker.on('exit', () => (handle.alive = false));
  worker.unref();
  return { post: (m) => worker.postMessage(m), terminate: () => void worker.terminate() };
}

/** Starts a browser module worker. */
function startWebWorker(first: WorkerMessage, handle: WorkerHandle): { post: (m: WorkerMessage) => void; terminate: () => void } {
  const Worker = g.Worker!;
  // Written as bundlers recognise it (Vite, webpack, Parcel bundle the worker entry from this line)
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onerror = (e) => {
    handle.alive = false;
    handle.error = (e as { message?: string }).message ?? 'the worker script failed to load';
  };
  // the worker's only message: one of ours it could not read (worker.ts)
  worker.onmessage = (e) => {
    const error = (e as { data?: { error?: unknown } }).data?.error;
    if (typeof error !== 'string') return;
    handle.alive = false;
    handle.error = error;
    worker.terminate();
  };
  worker.postMessage(first);
  return { post: (m) => worker.postMessage(m), terminate: () => worker.terminate() };
}

/**
 * Starts one worker thread, handing it the control buffer and its slot there first. It starts in the
 * background; until it runs, the other threads take its share. (A browser starts it only once this
 * thread returns to its event loop: engine.ts's startThreads.)
 */
export function startWorker(ctl: SharedArrayBuffer, slot: number): WorkerHandle {
  const handle: WorkerHandle = { post: () => undefined, terminate: () => undefined, alive: true, error: '', slot, worked: false, spec: -1, versions: {}, job: undefined };
  const first: WorkerMessage = { ctl, slot };
  const started = isNode ? startNodeWorker(first, handle) : startWebWorker(first, handle);
  handle.post = (m) => {
    if (handle.alive) started.post(m);
  };
  handle.terminate = () => {
    handle.alive = false;
    started.terminate();
  };
  return handle;
}
