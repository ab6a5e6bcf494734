// The playground page: edits a session (data, layers, training settings), runs EpyNN's check pass on every
// change, trains in a worker, and shows curves, the report, the layers' shapes, filters, feature maps,
// a confusion matrix and predictions for a drawn digit. No framework: plain DOM.
import {
  EpyNN, type Layer, NDArray, TFJS_WEIGHTS_FILE, fmt, lineChartSVG, toONNX, toTFJS, lossFunctions, metricSeries, metricsFunctions, plotSVG, roundHalfEven,
} from '../../src/index.js';
import { centreDigit } from './centre.js';
import { setupTeach, teachTrainingChanged } from './teach.js';
import { storedZip } from './zip.js';
import { fromHash, toHash } from './share.js';
import { batchChartSVG, compareChartSVG } from './live.js';
import type { BatchPoint } from './worker.js';
import { type CustomData, DATASETS, type Dataset, checkSubset, type MnistPack, loadMnist, makeDataset, sampleCount, sliceX } from './datasets.js';
import { parseCsv } from './csv.js';
import { readImages } from './images.js';
import type { FromWorker, ToWorker } from './messages.js';
import { RELATIVE_SIZE, buildModel, confusionMatrix, initializeModel } from './network.js';
import {
  CATALOG, LAYER_TYPES, WHAT_LEARNS, type DatasetKind, type LayerSpec, type LayerType, type Session, cleanSpec, specFromConfig, trainHPars, defaultSession, layerSpec, mathLink,
} from './spec.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: #${id} is missing`);
  return el as T;
};
const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
};

const STORE = { session: 'epynn-playground:session', model: 'epynn-playground:model', metrics: 'epynn-playground:metrics' };
const SCHEDULES = ['steady', 'exp_decay', 'lin_decay'];
const METRICS = Object.keys(metricsFunctions());

// ----------------------------------------------------------------------------------------------
// State

// An experiment in the URL hash comes first (share.ts), then the last session in this browser
const METRICS_LIST = Object.keys(metricsFunctions());
const linked = fromHash(location.hash, METRICS_LIST);
let session: Session = (linked && 'session' in linked ? linked.session : undefined) ?? restoreSession() ?? defaultSession('mnist');
let metrics: string[] = linked && 'session' in linked ? linked.metrics : restoreMetrics();
let mnist: MnistPack | undefined;
/** Your own data (a CSV file), when loaded. */
let custom: CustomData | undefined;
let dataset: Dataset | undefined;
/** The model shown (trained, loaded or restored) and its layers' shapes when it arrived. */
let model: EpyNN | undefined;
let modelShapes: ShapeRow[] = [];
/** The check pass's model (built from the editor), its shapes, its error. */
let checkShapes: ShapeRow[] = [];
let checkError: string | undefined;
let confusion: number[][] | undefined;
let worker: Worker | undefined;
let stopBuffer: SharedArrayBuffer | null = null;
let training: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
let lrates: { name: string; lrate: number[] }[] = [];
let log: string[] = [];
/** performance.now() counts from the navigation start: the time from page load. */
const pageStart = 0;

function restoreSession(): Session | undefined {
  try {
    const raw = JSON.parse(localStorage.getItem(STORE.session) ?? 'null') as Session | null;
    if (!raw || !(raw.data?.kind in DATASETS) || raw.data.kind === 'csv' || raw.data.kind === 'images') return undefined; // your own data is not kept
    const base = defaultSession(raw.data.kind);
    const layers = Array.isArray(raw.layers) ? raw.layers.map(cleanSpec).filter((l): l is LayerSpec => l !== undefined) : base.layers;
    return { data: { ...base.data, ...raw.data }, layers, train: { ...base.train, ...raw.train } };
  } catch {
    return undefined;
  }
}

function restoreMetrics(): string[] {
  try {
    const raw = JSON.parse(localStorage.getItem(STORE.metrics) ?? 'null') as unknown;
    if (Array.isArray(raw) && raw.every((m) => METRICS.includes(m))) return raw as string[];
  } catch { /* use the default */ }
  return ['accuracy'];
}

function saveSession(): void {
  // the address always holds the experiment: copy it to share it
  history.replaceState(null, '', `#${toHash(session, metrics)}`);
  try {
    localStorage.setItem(STORE.session, JSON.stringify(session));
    localStorage.setItem(STORE.metrics, JSON.stringify(metrics));
  } catch { /* storage full or disabled: the page works without it */ }
}

// ----------------------------------------------------------------------------------------------
// Setup panel

function fillSelect(sel: HTMLSelectElement, values: string[], labels: string[] = values): void {
  sel.replaceChildren(...values.map((v, i) => h('option', { value: v }, labels[i])));
}

function renderSetup(): void {
  const ds = $<HTMLSelectElement>('dataset');
  ds.value = session.data.kind;
  const samples = $<HTMLInputElement>('samples');
  samples.value = String(session.data.samples);
  samples.max = String(DATASETS[session.data.kind].max);
  $('data-about').textContent = `${DATASETS[session.data.kind].about}. dtrain : dval = ${RELATIVE_SIZE[0]} : ${RELATIVE_SIZE[1]} (the last fifth is never trained on).`;
  const t = session.train;
  $<HTMLSelectElement>('loss').value = t.loss;
  $<HTMLInputElement>('lr').value = String(t.learningRate);
  $<HTMLSelectElement>('schedule').value = t.schedule;
  $<HTMLInputElement>('epochs').value = String(t.epochs);
  $<HTMLInputElement>('batch').value = String(t.batchSize);
  $<HTMLInputElement>('seed').value = String(t.seed);
  $<HTMLInputElement>('decay-k').value = String(t.decayK ?? 0);
  $<HTMLInputElement>('cycle-epochs').value = String(t.cycleEpochs ?? 0);
  $<HTMLInputElement>('cycle-descent').value = String(t.cycleDescent ?? 0);
  showDecay();
  $<HTMLSelectElement>('backend').value = t.backend === 'js' || !wasmSimd() ? 'js' : 'wasm';
  const threads = $<HTMLSelectElement>('threads');
  const counts = Array.from({ length: Math.max(2, Math.min(8, navigator.hardwareConcurrency ?? 1)) }, (_, i) => i + 1);
  if (t.threads !== undefined && !counts.includes(t.threads)) counts.push(t.threads); // a link's count beyond this machine's
  fillSelect(threads, ['', ...counts.map(String)], ['auto (the cores, up to 8)', ...counts.map(String)]);
  threads.value = t.threads === undefined ? '' : String(t.threads);
  $<HTMLSelectElement>('optimizer').value = t.optimizer ?? 'epynn_sgd';
  for (const box of $('metrics').querySelectorAll<HTMLInputElement>('input')) box.checked = metrics.includes(box.value);
  renderLayers();
}

function renderLayers(): void {
  const list = $('layers');
  list.replaceChildren(h('li', { class: 'layer fixed' }, h('span', { class: 'lname' }, 'Embedding'), h('span', { class: 'about' }, 'the data: X, Y one-hot, batches'),
    h('a', { href: mathLink('Embedding'), target: '_blank', class: 'math' }, 'math')));
  session.layers.forEach((spec, i) => {
    const def = CATALOG[spec.type];
    const opts = def.options.map((o) => {
      let input: HTMLInputElement | HTMLSelectElement;
      if (o.kind === 'select') {
        input = h('select', { 'data-key': o.key });
        fillSelect(input, o.choices!);
        input.value = String(spec.opts[o.key]);
      } else if (o.kind === 'bool') {
        input = h('input', { type: 'checkbox', 'data-key': o.key });
        input.checked = Boolean(spec.opts[o.key]);
      } else {
        input = h('input', { type: 'number', 'data-key': o.key, step: String(o.step ?? 1) });
        if (o.min !== undefined) input.min = String(o.min);
        if (o.max !== undefined) input.max = String(o.max);
        input.value = String(spec.opts[o.key]);
      }
      input.addEventListener('change', () => {
        const v = o.kind === 'bool' ? (input as HTMLInputElement).checked : o.kind === 'select' ? input.value : Number(input.value);
        spec.opts[o.key] = v;
        changed();
      });
      return h('label', { title: o.help }, o.label, ' ', input);
    });
    const btn = (text: string, title: string, fn: () => void, edge = false): HTMLButtonElement => {
      const b = h('button', { type: 'button', title, class: 'icon' }, text);
      // the first layer cannot move up, the last not down
      if (edge) b.dataset.edge = '1';
      b.disabled = edge;
      b.addEventListener('click', fn);
      return b;
    };
    const move = (d: number) => () => {
      const [l] = session.layers.splice(i, 1);
      session.layers.splice(i + d, 0, l);
      changed(true);
    };
    list.append(h('li', { class: 'layer', 'data-type': spec.type },
      h('div', { class: 'lhead' },
        h('span', { class: 'lname' }, spec.type),
        h('span', { class: 'about', title: def.about }, def.about),
        h('a', { href: mathLink(spec.type), target: '_blank', class: 'math', title: `the maths of ${spec.type}` }, 'math'),
        btn('↑', 'move up', move(-1), i === 0),
        btn('↓', 'move down', move(1), i === session.layers.length - 1),
        btn('✕', 'remove', () => { session.layers.splice(i, 1); changed(true); })),
      h('div', { class: 'lopts' }, ...opts)));
  });
}

/** The schedule's parameters only matter for the decaying schedules. */
function showDecay(): void {
  for (const el of document.querySelectorAll<HTMLElement>('label.decay')) el.hidden = session.train.schedule === 'steady';
}

function readTrainInputs(): void {
  const num = (id: string, fallback: number): number => {
    const v = Number($<HTMLInputElement>(id).value);
    return Number.isFinite(v) ? v : fallback;
  };
  const t = session.train;
  t.loss = $<HTMLSelectElement>('loss').value;
  t.learningRate = num('lr', t.learningRate);
  t.schedule = $<HTMLSelectElement>('schedule').value;
  t.epochs = Math.max(1, Math.round(num('epochs', t.epochs)));
  t.batchSize = Math.max(1, Math.round(num('batch', t.batchSize)));
  t.seed = Math.round(num('seed', t.seed));
  t.backend = $<HTMLSelectElement>('backend').value === 'js' ? 'js' : 'wasm';
  const threads = $<HTMLSelectElement>('threads').value;
  if (threads === '') delete t.threads;
  else t.threads = Number(threads);
  const opt = $<HTMLSelectElement>('optimizer').value;
  if (opt === 'epynn_sgd') delete t.optimizer;
  else t.optimizer = opt;
  t.decayK = Math.max(0, num('decay-k', t.decayK ?? 0));
  t.cycleEpochs = Math.max(0, Math.round(num('cycle-epochs', t.cycleEpochs ?? 0)));
  t.cycleDescent = Math.min(1, Math.max(0, num('cycle-descent', t.cycleDescent ?? 0)));
  showDecay();
  metrics = [...$('metrics').querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value);
  if (metrics.length === 0) metrics = ['accuracy'];
}

let checkTimer: number | undefined;
/** After an edit: store the session, re-render if the list changed, and run the check pass soon. */
function changed(relist = false): void {
  saveSession();
  if (relist) renderLayers();
  window.clearTimeout(checkTimer);
  checkTimer = window.setTimeout(check, 120);
}

// ----------------------------------------------------------------------------------------------
// The check pass: EpyNN's initialize() on a few samples (one dry training step); its error is the explanation.

interface ShapeRow { name: string; d: Record<string, unknown>; fs: Record<string, number[]>; bs: Record<string, number[]>; activation: Record<string, string> }

function shapesOf(layers: Layer[]): ShapeRow[] {
  return layers.map((l) => ({
    name: l.name,
    d: { ...l.d },
    fs: Object.fromEntries(Object.entries(l.fs).map(([k, v]) => [k, [...(v as number[])]])),
    bs: Object.fromEntries(Object.entries(l.bs).map(([k, v]) => [k, [...(v as number[])]])),
    activation: { ...l.activation },
  }));
}

function check(): void {
  checkError = undefined;
  checkShapes = [];
  if (!dataset) {
    $('check').replaceChildren(h('span', { class: 'muted' }, 'loading the data…'));
    return;
  }
  try {
    // a few samples are enough to check the shapes: two batches' worth
    const n = Math.min(sampleCount(dataset), Math.max(40, 2 * session.train.batchSize));
    const m = buildModel(session, undefined, checkSubset(dataset, n));
    m.initialize({ loss: session.train.loss, seed: session.train.seed, metrics, quiet: true, seHPars: trainHPars(session.train) });
    checkShapes = shapesOf(m.layers);
  } catch (err) {
    checkError = err instanceof Error ? err.message : String(err);
  }
  renderCheck();
  renderShapes();
  updateButtons();
}

function renderCheck(): void {
  const box = $('check');
  if (checkError !== undefined) {
    box.className = 'check error';
    box.replaceChildren(h('strong', {}, 'This network does not fit together. '), 'EpyNN\'s check pass says:', h('pre', { id: 'check-error' }, checkError));
  } else if (checkShapes.length) {
    const out = checkShapes[checkShapes.length - 1];
    box.className = 'check ok';
    box.replaceChildren(`✓ EpyNN's check pass: ${checkShapes.length} layers fit; output ${fmt(out.fs.X ? lastShape(out) : [])}`);
  }
}

/** The output shape of a layer: its forward A shape (the next layer's X), else X. */
function lastShape(row: ShapeRow): number[] {
  return row.fs.A ?? row.fs.X ?? [];
}

// ----------------------------------------------------------------------------------------------
// Training

function updateButtons(): void {
  const running = training === 'running' || training === 'stopping';
  $<HTMLButtonElement>('train').disabled = running || checkError !== undefined || !dataset;
  $<HTMLButtonElement>('stop').disabled = !running;
  $<HTMLButtonElement>('resume').disabled = training !== 'stopped' || worker === undefined;
  $<HTMLButtonElement>('save').disabled = model === undefined;
  $<HTMLButtonElement>('export-tfjs').disabled = model === undefined;
  $<HTMLButtonElement>('export-onnx').disabled = model === undefined;
  $<HTMLButtonElement>('defaults').disabled = running;
  for (const el of $('setup').querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) el.disabled = running;
  for (const el of $('setup').querySelectorAll<HTMLButtonElement>('#layers button, #add-layer')) {
    el.disabled = running || el.dataset.edge === '1';
  }
  teachTrainingChanged();
}

// ----------------------------------------------------------------------------------------------
// Step through a batch (teach.ts): a fresh network of the session, or the worker's model when paused

let pausedJSON: ((json: string) => void) | undefined;

/** The session's network, initialized with its seed exactly as the worker initializes it. */
function freshModel(): EpyNN | undefined {
  if (!dataset || checkError !== undefined) return undefined;
  return initializeModel(buildModel(session, undefined, dataset), session, metrics);
}

function pauseForSteps(): Promise<EpyNN | undefined> {
  if (training !== 'running' || !stopBuffer) return Promise.resolve(undefined);
  return new Promise((done) => {
    pausedJSON = (json) => {
      try {
        const m = EpyNN.fromJSON(json);
        m.logger = { tty: false, line: () => {}, redraw: () => {} };
        m.setData({ XData: dataset!.X, YData: dataset!.Y });
        // the stopped epoch counts as done: the steps are the next epoch's batches (its learning rate)
        if (m.epochsDone < m.epochs) m.e = m.epochsDone;
        done(m);
      } catch (err) {
        fail(`could not take the paused model: ${err instanceof Error ? err.message : String(err)}`);
        done(undefined);
      }
    };
    stopTraining();
  });
}

function startTraining(): void {
  readTrainInputs();
  saveSession();
  if (!dataset || checkError !== undefined) return;
  worker?.terminate();
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (ev: MessageEvent<FromWorker>) => onWorker(ev.data);
  worker.onerror = (ev) => fail(`the worker failed: ${ev.message}`);
  // [0] the stop flag, [1] the pause after each batch in ms (the speed), [2] what the worker waits on
  stopBuffer = crossOriginIsolated ? new SharedArrayBuffer(12) : null;
  applySpeed();
  batchPoints = [];
  renderBatchCharts();
  training = 'running';
  lrates = [];
  log = [];
  confusion = undefined;
  $('warnings').replaceChildren();
  trainStart = performance.now();
  $('status').textContent = 'Starting…';
  $('status').dataset.state = 'running';
  const msg: ToWorker = {
    type: 'train', session: structuredClone(session), metrics, stop: stopBuffer,
    mnist: session.data.kind === 'mnist' && mnist ? { n: mnist.n, labels: mnist.labels.slice(), pixels: mnist.pixels.slice() } : undefined,
    custom: session.data.kind === 'csv' || session.data.kind === 'images' ? custom : undefined,
  };
  worker.postMessage(msg);
  updateButtons();
}

let trainStart = 0;
/** The threads the worker asked for (getThreads), and the badge says how many did the work after an epoch. */
let threadsAsked = 1;
/** What the console last said about the threads (said again when it changes). */
let lastThreadsText = '';
let firstEpochLogged = false;

function onWorker(msg: FromWorker): void {
  switch (msg.type) {
    case 'ready':
      setModel(EpyNN.fromJSON(msg.json), false);
      threadsAsked = msg.threads;
      $('kernels').textContent = `training: ${msg.backend === 'wasm' ? 'WebAssembly SIMD' : 'TypeScript'} kernels, ${msg.threads === 1 ? '1 thread' : `${msg.threads} threads`} asked for`;
      break;
    case 'batches':
      batchPoints.push(...msg.points);
      if (!chartFrame) chartFrame = requestAnimationFrame(() => { chartFrame = 0; renderBatchCharts(); });
      break;
    case 'live': {
      // the filters and feature maps follow the training (the curves and the report wait for the epoch)
      const m = EpyNN.fromJSON(msg.json);
      model = m;
      modelShapes = shapesOf(m.layers);
      renderMaps();
      break;
    }
    case 'log':
      log.push(msg.text);
      $('log').textContent = log.join('\n');
      break;
    case 'progress':
      if (training === 'stopping') break; // the status says "Stopping…" until the worker has stopped
      $('status').replaceChildren(statusLine(`epoch ${msg.epoch + 1}/${msg.epochs} · batch ${msg.batch}/${msg.batches}`, msg.samplesPerSecond, msg.seconds));
      break;
    case 'epoch': {
      lrates = msg.lrates;
      confusion = msg.confusion;
      $('warnings').replaceChildren(...msg.warnings.map((w) => h('div', {}, `⚠ ${w}`)));
      // the threads that really trained (the worker threads that took shards; fewer than asked for: why)
      const idle = threadsAsked - msg.threadsUsed;
      const why = msg.threadsNote !== '' ? msg.threadsNote
        : idle > 0 ? `${threadsAsked} asked for: ${idle === threadsAsked - 1 ? 'the worker threads' : `${idle} worker thread${idle === 1 ? '' : 's'}`} took no shards` : '';
      const threadsText = `${msg.threadsUsed === 1 ? '1 thread' : `${msg.threadsUsed} threads`}${why !== '' ? ` (${why})` : ''}`;
      $('kernels').textContent = $('kernels').textContent!.replace(/, \d+ threads?( asked for)?( \(.*\))?$/, `, ${threadsText}`);
      $('kernels').dataset.threads = String(msg.threadsUsed);
      // the library's counts, for the browser tests: shards computed in all and on the worker threads
      $('kernels').dataset.items = String(msg.threadStats.items);
      $('kernels').dataset.workerItems = String(msg.threadStats.workerItems);
      if (threadsText !== lastThreadsText) console.info(`threads: trained on ${threadsText}`);
      lastThreadsText = threadsText;
      const m = EpyNN.fromJSON(msg.json);
      setModel(m, true);
      if (!firstEpochLogged) {
        firstEpochLogged = true;
        const s = (performance.now() - pageStart) / 1000;
        document.body.dataset.firstEpochSeconds = s.toFixed(2);
        console.info(`playground: page load to first trained epoch: ${s.toFixed(1)} s`);
      }
      if (training !== 'stopping') $('status').replaceChildren(statusLine(`epoch ${msg.epochsDone}/${session.train.epochs} done`, msg.samplesPerSecond, (performance.now() - trainStart) / 1000));
      break;
    }
    case 'done':
      training = 'idle';
      $('status').dataset.state = 'done';
      $('status').prepend(h('strong', {}, 'Done. '));
      majorityWarning();
      updateButtons();
      break;
    case 'stopped':
      training = 'stopped';
      $('status').dataset.state = 'stopped';
      $('status').replaceChildren(h('strong', {}, `Stopped in epoch ${msg.epoch + 1}/${session.train.epochs} after batch ${msg.batch}/${msg.batches}`),
        `: that epoch ended there (evaluated, in the report); ${msg.epochsDone} of ${session.train.epochs} epochs done. Resume trains on.`);
      pausedJSON?.(msg.json);
      pausedJSON = undefined;
      updateButtons();
      break;
    case 'error':
      fail(msg.message);
      break;
  }
}

/** The dval accuracy of always answering the most frequent dval label. */
function majorityBaseline(): { acc: number; label: string } | undefined {
  if (!dataset) return undefined;
  const [ntrain, nval] = valRange();
  if (nval === 0) return undefined;
  const counts = new Map<number, number>();
  for (let i = ntrain; i < ntrain + nval; i++) counts.set(dataset.Y[i], (counts.get(dataset.Y[i]) ?? 0) + 1);
  const [label, n] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
  return { acc: n / nval, label: dataset.classes[label] ?? String(label) };
}

/** Says so when the trained network does no better than the majority class on dval, and what learns the dataset. */
function majorityWarning(): void {
  const acc = model?.metrics.accuracy?.[1]?.at(-1);
  const base = majorityBaseline();
  // the margin tests/examples/learn.test.ts asks of every CLI example: 0.1 above the baseline
  if (acc === undefined || !base || acc >= base.acc + 0.1) return;
  $('warnings').append(h('div', { class: 'majority' },
    `⚠ This network has not learned the task: its dval accuracy ${acc.toFixed(3)} is not clearly above the majority-class baseline ${base.acc.toFixed(3)} (always answering "${base.label}"; the CLI examples ask for 0.1 more). `,
    `What learns it: ${WHAT_LEARNS[session.data.kind]}`));
}

let batchPoints: BatchPoint[] = [];
let chartFrame = 0;

/** The per-batch curves of the current training: raw points and the smoothed line. */
function renderBatchCharts(): void {
  const box = $('batch-charts');
  const weight = Number($<HTMLInputElement>('smoothing').value);
  box.innerHTML = batchChartSVG(batchPoints, 'cost', `batch ${session.train.loss} (loss)`, { weight }) + batchChartSVG(batchPoints, 'accuracy', 'batch accuracy', { weight });
}

/** The pause after each batch the speed control asks for (read by the worker after every batch). */
function applySpeed(): void {
  if (stopBuffer) Atomics.store(new Int32Array(stopBuffer), 1, Number($<HTMLSelectElement>('speed').value));
}

// --- the same seed with two optimizers, side by side (two workers)

const COMPARE = [{ optimizer: 'epynn_sgd', name: 'EpyNN SGD', color: '#0072b2' }, { optimizer: 'adam', name: 'Adam', color: '#d55e00' }];
let compareWorkers: Worker[] = [];

function compareOptimizers(): void {
  readTrainInputs();
  if (!dataset || checkError !== undefined) return;
  for (const w of compareWorkers) w.terminate();
  const runs = COMPARE.map((c) => ({ ...c, points: [] as BatchPoint[], acc: undefined as number | undefined, done: false }));
  const box = $('compare');
  const draw = (): void => {
    box.innerHTML = compareChartSVG(runs, 'cost', `batch ${session.train.loss}: the same seed, two optimizers`) + compareChartSVG(runs, 'accuracy', 'batch accuracy');
    box.append(h('p', { class: 'small', id: 'compare-result', 'data-done': String(runs.every((r) => r.done)) },
      ...runs.map((r) => h('span', { style: `color:${r.color}`, 'data-optimizer': r.optimizer, 'data-acc': r.acc === undefined ? '' : String(r.acc) }, `${r.name}: dval accuracy ${r.acc === undefined ? '…' : r.acc.toFixed(3)}  `)),
      ` (${session.train.epochs} epochs, learning rate ${session.train.learningRate} for both; Adam usually wants a smaller one, e.g. 0.001)`));
  };
  compareWorkers = runs.map((r) => {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    const s = structuredClone(session);
    s.train.optimizer = r.optimizer;
    w.onmessage = (ev: MessageEvent<FromWorker>) => {
      const msg = ev.data;
      if (msg.type === 'batches') r.points.push(...msg.points);
      else if (msg.type === 'epoch') r.acc = msg.metrics.accuracy?.[1]?.at(-1);
      else if (msg.type === 'done') {
        r.done = true;
        w.terminate();
      } else if (msg.type === 'error') {
        r.done = true;
        box.append(h('div', { class: 'error' }, `${r.name}: ${msg.message}`));
        return;
      } else return;
      draw();
    };
    w.postMessage({ type: 'train', session: s, metrics: ['accuracy'], stop: null,
      mnist: s.data.kind === 'mnist' && mnist ? { n: mnist.n, labels: mnist.labels.slice(), pixels: mnist.pixels.slice() } : undefined,
      custom: s.data.kind === 'csv' || s.data.kind === 'images' ? custom : undefined } satisfies ToWorker);
    return w;
  });
  draw();
}

function statusLine(what: string, sps: number, seconds: number): HTMLElement {
  return h('span', {}, what, ' · ', h('strong', { id: 'sps', title: 'training steps only (forward, backward, update); the evaluation after each epoch is left out' }, `${Math.round(sps).toLocaleString('en')} samples/s`), ` · ${seconds.toFixed(1)} s`);
}

function fail(message: string): void {
  training = 'idle';
  worker?.terminate();
  worker = undefined;
  $('status').dataset.state = 'failed';
  $('status').replaceChildren(h('span', { class: 'error' }, `Training failed: ${message}`));
  updateButtons();
}

function stopTraining(): void {
  if (training !== 'running') return;
  if (stopBuffer) {
    Atomics.store(new Int32Array(stopBuffer), 0, 1);
    training = 'stopping';
    $('status').replaceChildren('Stopping after this batch…');
  } else {
    // Not cross-origin isolated: no shared flag, so the worker is ended; the last finished epoch's model stays.
    worker?.terminate();
    worker = undefined;
    training = 'idle';
    $('status').prepend(h('strong', {}, 'Stopped (the last finished epoch is kept; Resume needs a cross-origin isolated page). '));
  }
  updateButtons();
}

function resumeTraining(): void {
  if (!worker || training !== 'stopped') return;
  readTrainInputs();
  training = 'running';
  $('status').dataset.state = 'running';
  worker.postMessage({ type: 'resume', epochs: session.train.epochs } satisfies ToWorker);
  updateButtons();
}

// ----------------------------------------------------------------------------------------------
// The shown model: curves, report, shapes, maps, confusion, drawing

function setModel(m: EpyNN, store: boolean): void {
  model = m;
  modelShapes = shapesOf(m.layers);
  if (store) {
    try {
      localStorage.setItem(STORE.model, JSON.stringify(m.toJSON()));
    } catch { /* too big for local storage: it is only not restored */ }
  }
  renderModel();
}

function renderModel(): void {
  renderCharts();
  renderReport();
  renderShapes();
  renderMaps();
  renderConfusion();
  predictDrawing();
  updateButtons();
  const info = $('model-info');
  if (model) info.textContent = `Model ${model.uname}: ${model.epochsDone} epochs trained, loss ${model.loss}. Your network, settings and last model are kept in this browser and restored on reload.`;
}

function renderCharts(): void {
  const box = $('charts');
  if (!model || Object.values(model.metrics).every((sets) => sets.every((v) => v.length === 0))) {
    box.replaceChildren(h('p', { class: 'muted' }, 'The curves of every metric on dtrain (solid) and dval (dashed) appear here after the first epoch.'));
    return;
  }
  const series = metricSeries(model);
  box.replaceChildren(...Object.keys(model.metrics).map((name) => {
    const div = h('div', { class: 'chart', 'data-metric': name });
    const isLoss = name === model!.loss;
    div.innerHTML = lineChartSVG(series.filter((s) => s.data?.metric === name), {
      title: isLoss ? `${name} (loss)` : name, width: 420, height: 240, yLabel: name,
    });
    return div;
  }));
  const svg = plotSVG(model);
  const link = h('a', { download: `${model.uname}.svg`, href: URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })), class: 'small' }, 'download all curves (SVG, plotSVG)');
  box.append(h('div', { class: 'chartlinks' }, link));
}

function renderReport(): void {
  const box = $('report');
  if (!model || model.epochsDone === 0) {
    box.replaceChildren();
    return;
  }
  const sets = ['dtrain', 'dval', 'dtest'];
  // the loss first, so that it is never the column pushed out of view; one lrate column when every layer has the same
  const names = [model.loss, ...Object.keys(model.metrics).filter((n) => n !== model!.loss)].filter((n) => n in model!.metrics);
  const active = [0, 1, 2].filter((k) => names.some((n) => model!.metrics[n][k]?.length));
  const sameRates = lrates.every((l) => JSON.stringify(l.lrate) === JSON.stringify(lrates[0]?.lrate));
  const rateCols = sameRates && lrates.length ? [{ name: 'every layer', lrate: lrates[0].lrate }] : lrates;
  const head = h('tr', {}, h('th', {}, 'epoch'), ...rateCols.map((l) => h('th', {}, 'lrate', h('br'), h('span', { class: 'small' }, l.name))),
    ...names.flatMap((n) => active.map((k) => h('th', {}, n === model!.loss ? `${n} (loss)` : n, h('br'), sets[k]))));
  const rows = Array.from({ length: model.epochsDone }, (_, e) => h('tr', {}, h('td', {}, String(e)),
    ...rateCols.map((l) => h('td', {}, l.lrate[e] === undefined ? '' : l.lrate[e].toExponential(2))),
    ...names.flatMap((n) => active.map((k) => h('td', { 'data-metric': n, 'data-set': sets[k], 'data-v': String(model!.metrics[n][k][e]) }, fixed(model!.metrics[n][k][e]))))));
  box.replaceChildren(h('table', {}, h('thead', {}, head), h('tbody', {}, ...rows)));
}

const fixed = (v: number | undefined): string => (v === undefined ? '' : Number.isFinite(v) ? String(Number(v.toFixed(3))) : String(v));

function renderShapes(): void {
  const rows = model ? modelShapes : checkShapes;
  const box = $('shapes');
  if (!rows.length) {
    box.replaceChildren(h('p', { class: 'muted' }, checkError ? 'Fix the network to see its shapes.' : '…'));
    return;
  }
  const kv = (o: Record<string, unknown>, shapes = false): HTMLElement => h('div', { class: shapes ? 'kv' : 'kv inline' },
    ...Object.entries(o).map(([k, v]) => h('span', {}, h('code', {}, k), shapes ? ' ' : '=', shapes ? fmt(v as number[]) : String(v))));
  box.replaceChildren(h('table', { class: 'shapes' },
    h('thead', {}, h('tr', {}, ...['#', 'layer', 'd', 'fs (forward)', 'bs (backward)'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows.map((r, i) => h('tr', {},
      h('td', {}, String(i)),
      h('td', {}, h('a', { href: mathLink(r.name), target: '_blank' }, r.name),
        ...Object.entries(r.activation).map(([k, a]) => h('div', { class: 'muted small' }, Object.keys(r.activation).length > 1 ? `${k}: ${a}` : a))),
      h('td', {}, kv(r.d)), h('td', {}, kv(r.fs, true)), h('td', {}, kv(r.bs, true)))))));
  box.append(h('p', { class: 'muted small' },
    'd: m samples in the batch, n features, h × w × d image (d channels), u units or filters, fh × fw filter, sh × sw strides, p padding, oh × ow output, s steps, e features per step. ',
    'fs: the arrays of the forward pass (X input, W and b parameters, Z before and A after the activation); bs: their gradients in the backward pass (dA from the next layer, dX to the previous one).',
    model ? ` Shapes of ${model.uname} as it last ran a batch.` : ' Shapes from the check pass on the first batch.'));
}

// --- feature maps for one validation sample

function valRange(): [number, number] {
  const n = dataset ? sampleCount(dataset) : 0;
  const total = RELATIVE_SIZE[0] + RELATIVE_SIZE[1] + RELATIVE_SIZE[2];
  const ntrain = Math.min(n, roundHalfEven((RELATIVE_SIZE[0] / total) * n));
  const nval = Math.min(n - ntrain, roundHalfEven((RELATIVE_SIZE[1] / total) * n));
  return [ntrain, nval];
}

/** One sample as the network's input (strings are one-hot encoded with the model's element map). */
function sampleInput(m: EpyNN, index: number): NDArray | undefined {
  if (!dataset) return undefined;
  const x = sliceX(dataset, index, index + 1);
  if (!Array.isArray(x)) return x;
  const e2i = m.embedding.e2i;
  if (e2i.size === 0) return undefined;
  const seq = x[0];
  const data = new Float64Array(seq.length * e2i.size);
  seq.forEach((el, s) => {
    const j = e2i.get(el);
    if (j !== undefined) data[s * e2i.size + j] = 1;
  });
  return new NDArray(data, [1, seq.length, e2i.size]);
}

/** The shape of one sample the model takes (what the Embedding last passed on, without m). */
const inputShape = (m: EpyNN): number[] | undefined => (m.embedding.fs.X as number[] | undefined)?.slice(1);

/** Whether the model takes this dataset's samples. */
function fits(m: EpyNN): boolean {
  if (!dataset) return false;
  const shape = inputShape(m);
  const x = sliceX(dataset, 0, 1);
  const want = Array.isArray(x) ? [x[0].length, m.embedding.e2i.size] : x.shape.slice(1);
  return shape !== null && shape !== undefined && fmt(shape) === fmt(want) && m.embedding.labelColumns === dataset.classes.length;
}

function renderMaps(): void {
  const box = $('maps');
  const [ntrain, nval] = valRange();
  const input = $<HTMLInputElement>('sample');
  input.max = String(Math.max(0, nval - 1));
  const i = Math.min(Math.max(0, Number(input.value) || 0), Math.max(0, nval - 1));
  if (!model || !dataset || nval === 0 || !fits(model)) {
    box.replaceChildren(h('p', { class: 'muted' }, model ? 'This model does not take the current dataset\'s samples.' : 'Train (or load) a model to see a sample go through it.'));
    $('sample-info').textContent = '';
    return;
  }
  const index = ntrain + i;
  const X = sampleInput(model, index);
  if (!X) return;
  model.setTraining(false);
  const blocks: HTMLElement[] = [];
  blocks.push(mapBlock('input', `label ${dataset.classes[dataset.Y[index]]}`, tensorMaps(X, 'grey')));
  let A = X;
  for (const layer of model.layers) {
    A = layer.forward(A);
    if (layer.name === 'Embedding') continue;
    const maps: HTMLElement[] = [];
    if (layer.name === 'Convolution' && layer.p.W) {
      maps.push(h('div', { class: 'sub' }, `filters W ${fmt(layer.p.W.shape)}`), h('div', { class: 'maps' }, ...filterMaps(layer.p.W)));
      maps.push(h('div', { class: 'sub' }, `feature maps A ${fmt(A.shape)}`));
    } else maps.push(h('div', { class: 'sub' }, `A ${fmt(A.shape)}`));
    maps.push(h('div', { class: 'maps' }, ...tensorMaps(A, layer === model.layers[model.layers.length - 1] ? 'bars' : 'heat')));
    blocks.push(mapBlock(layer.name, Object.values(layer.activation).join(', '), maps));
  }
  const probs = A.data;
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
  $('sample-info').textContent = `validation sample ${i} of ${nval} (sample #${index}): label ${dataset.classes[dataset.Y[index]]}, predicted ${dataset.classes[best] ?? best} (${(100 * probs[best]).toFixed(1)}%)`;
  box.replaceChildren(...blocks);
}

function mapBlock(title: string, sub: string, content: HTMLElement[]): HTMLElement {
  return h('div', { class: 'mapblock' }, h('div', { class: 'maptitle' }, h('a', { href: mathLink(title === 'input' ? 'Embedding' : title), target: '_blank' }, title), ' ', h('span', { class: 'muted' }, sub)), ...content);
}

/** Canvas of a (h, w) grid of values; 'grey' maps [0, 1] to black..white, 'heat' maps to a diverging palette around 0. */
function heat(values: ArrayLike<number>, rows: number, cols: number, mode: 'grey' | 'heat', px = 3): HTMLCanvasElement {
  const c = h('canvas', { width: String(cols), height: String(rows), class: 'map' });
  c.style.width = `${cols * px}px`;
  c.style.height = `${rows * px}px`;
  const g = c.getContext('2d')!;
  const img = g.createImageData(cols, rows);
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < rows * cols; k++) {
    lo = Math.min(lo, values[k]);
    hi = Math.max(hi, values[k]);
  }
  const amax = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  for (let k = 0; k < rows * cols; k++) {
    const v = values[k];
    let r: number;
    let gg: number;
    let b: number;
    if (mode === 'grey') {
      const t = hi > lo ? (v - Math.min(0, lo)) / (hi - Math.min(0, lo)) : 0;
      r = gg = b = Math.round(255 * t);
    } else {
      // blue (negative) - white (0) - orange (positive)
      const t = v / amax;
      if (t >= 0) [r, gg, b] = [255 - 42 * t, 255 - 161 * t, 255 - 255 * t];
      else [r, gg, b] = [255 + 255 * t, 255 + 141 * t, 255 + 77 * t];
    }
    img.data.set([r, gg, b, 255], 4 * k);
  }
  g.putImageData(img, 0, 0);
  return c;
}

/** One map per channel of a single sample (1, h, w, c), a strip for (1, s, u) and bars for (1, u). */
function tensorMaps(A: NDArray, mode: 'grey' | 'heat' | 'bars'): HTMLElement[] {
  const s = A.shape;
  if (s.length === 4) {
    const [, hh, ww, c] = s;
    return Array.from({ length: c }, (_, k) => {
      const v = new Float64Array(hh * ww);
      for (let p = 0; p < hh * ww; p++) v[p] = A.data[p * c + k];
      return heat(v, hh, ww, mode === 'bars' ? 'heat' : mode, Math.max(2, Math.round(56 / Math.max(hh, ww))));
    });
  }
  if (s.length === 3) {
    // a sequence (1, steps, features): steps from left to right, one row per feature
    const [, steps, feats] = s;
    const v = new Float64Array(steps * feats);
    for (let t = 0; t < steps; t++) for (let f = 0; f < feats; f++) v[f * steps + t] = A.data[t * feats + f];
    return [heat(v, feats, steps, mode === 'grey' ? 'grey' : 'heat', Math.max(2, Math.min(14, Math.floor(420 / steps))))];
  }
  if (mode === 'bars' && (dataset?.classes.length ?? 0) === A.data.length) return [bars(A.data, dataset!.classes)];
  // a long vector is wrapped into a square-ish grid
  const n = A.data.length;
  const cols = n > 64 ? Math.ceil(Math.sqrt(n)) : n;
  const rows = Math.ceil(n / cols);
  const v = new Float64Array(rows * cols);
  v.set(A.data);
  return [heat(v, rows, cols, 'heat', n > 64 ? Math.max(2, Math.round(120 / cols)) : 10)];
}

/** Filters W (fh, fw, d, u): one map per filter (the first input channel). */
function filterMaps(W: NDArray): HTMLElement[] {
  const [fh, fw, d, u] = W.shape;
  return Array.from({ length: u }, (_, k) => {
    const v = new Float64Array(fh * fw);
    for (let p = 0; p < fh * fw; p++) v[p] = W.data[p * d * u + k];
    return heat(v, fh, fw, 'heat', Math.max(3, Math.round(30 / fh)));
  });
}

function bars(p: ArrayLike<number>, labels: string[]): HTMLElement {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return h('div', { class: 'bars' }, ...labels.map((l, k) => h('div', { class: `bar${k === best ? ' best' : ''}`, 'data-class': l, 'data-p': String(p[k]) },
    h('span', { class: 'bl' }, l), h('span', { class: 'bt' }, h('span', { class: 'bf', style: `width:${(100 * p[k]).toFixed(1)}%` })),
    h('span', { class: 'bv' }, `${(100 * p[k]).toFixed(1)}%`))));
}

function renderConfusion(): void {
  const box = $('confusion');
  let cm = confusion;
  if (!cm && model && dataset && fits(model)) {
    // a loaded model: predict the validation samples here
    const [ntrain, nval] = valRange();
    if (nval > 0) {
      const X = Array.isArray(dataset.X) ? (dataset.X.slice(ntrain, ntrain + nval)) : sliceX(dataset, ntrain, ntrain + nval);
      const d = model.predict(X, { XEncode: dataset.XEncode });
      const k = dataset.classes.length;
      const Y = new NDArray(new Float64Array(nval * k), [nval, k]);
      for (let i = 0; i < nval; i++) Y.data[i * k + dataset.Y[ntrain + i]] = 1;
      cm = confusion = confusionMatrix(Y, d.P);
    }
  }
  if (!cm || !dataset) {
    box.replaceChildren(h('p', { class: 'muted' }, 'After training: how often each true class (row) is predicted as each class (column).'));
    return;
  }
  const classes = dataset.classes.length === cm.length ? dataset.classes : cm.map((_, i) => String(i));
  const max = Math.max(...cm.flat());
  const total = cm.flat().reduce((a, b) => a + b, 0);
  const right = cm.reduce((a, row, i) => a + row[i], 0);
  box.replaceChildren(h('table', { class: 'confusion' },
    h('thead', {}, h('tr', {}, h('th', {}, 'true ↓ predicted →'), ...classes.map((c) => h('th', {}, c)), h('th', { title: 'per-class accuracy: right / samples of the class (recall)' }, 'class acc.'))),
    h('tbody', {}, ...cm.map((row, i) => {
      const n = row.reduce((a, b) => a + b, 0);
      return h('tr', {}, h('th', {}, classes[i]), ...row.map((v, j) => {
        const a = max ? v / max : 0;
        const bg = i === j ? `rgba(0,158,115,${(0.15 + 0.85 * a).toFixed(2)})` : v ? `rgba(213,94,0,${(0.15 + 0.85 * a).toFixed(2)})` : 'transparent';
        return h('td', { style: `background:${bg}` }, String(v));
      }), h('td', { class: 'classacc', 'data-class': classes[i], 'data-v': n ? String(row[i] / n) : '' }, n ? `${((100 * row[i]) / n).toFixed(1)}%` : '—'));
    }))),
  h('p', { class: 'muted small' }, `${right} of ${total} validation samples right (${((100 * right) / Math.max(1, total)).toFixed(1)}%).`));
  renderMistakes();
}

/** The misclassified validation samples with their probabilities (the model's predictions, made here). */
let mistakesOf: EpyNN | undefined;
function renderMistakes(): void {
  const box = $('mistakes');
  if (!model || !dataset || !fits(model)) {
    box.replaceChildren();
    mistakesOf = undefined;
    return;
  }
  if (mistakesOf === model) return;
  mistakesOf = model;
  const [ntrain, nval] = valRange();
  if (nval === 0) return;
  const X = Array.isArray(dataset.X) ? dataset.X.slice(ntrain, ntrain + nval) : sliceX(dataset, ntrain, ntrain + nval);
  const d = model.predict(X, { XEncode: dataset.XEncode });
  const k = d.A.shape[1] ?? 1;
  const wrong: number[] = [];
  for (let i = 0; i < nval; i++) if (d.P.data[i] !== dataset.Y[ntrain + i]) wrong.push(i);
  const shown = wrong.slice(0, 24);
  const cards = shown.map((i) => {
    const idx = ntrain + i;
    const p = Array.from(d.A.data.subarray(i * k, (i + 1) * k));
    const pred = d.P.data[i];
    const x = sliceX(dataset!, idx, idx + 1);
    let pic: HTMLElement;
    if (dataset!.image && !Array.isArray(x)) pic = heat(x.data, dataset!.image[0], dataset!.image[1], 'grey', 2);
    else if (Array.isArray(x)) pic = h('code', { class: 'seq' }, x[0].join(''));
    else pic = heat(x.data, 1, x.data.length, 'heat', Math.max(1, Math.floor(112 / x.data.length)));
    const top = p.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]).slice(0, 3);
    return h('div', { class: 'mistake', 'data-index': String(i), 'data-true': dataset!.classes[dataset!.Y[idx]], 'data-pred': dataset!.classes[pred] ?? String(pred) }, pic,
      h('div', { class: 'small' }, h('strong', {}, `${dataset!.classes[dataset!.Y[idx]]} → ${dataset!.classes[pred] ?? pred}`)),
      h('div', { class: 'muted small' }, top.map(([v, j]) => `${dataset!.classes[j] ?? j} ${(100 * v).toFixed(0)}%`).join(' · ')));
  });
  box.replaceChildren(h('p', { class: 'muted small' }, wrong.length === 0 ? 'No validation sample is misclassified.' :
    `${wrong.length} of ${nval} validation samples misclassified${wrong.length > shown.length ? ` (the first ${shown.length})` : ''}: true → predicted, and the three highest probabilities.`),
  h('div', { class: 'gallery' }, ...cards));
}

// --- drawing pad

const pad = (): HTMLCanvasElement => $<HTMLCanvasElement>('pad');
let drawn = false;

function setupPad(): void {
  const c = pad();
  const g = c.getContext('2d', { willReadFrequently: true })!;
  const clear = (): void => {
    g.fillStyle = '#000';
    g.fillRect(0, 0, c.width, c.height);
    drawn = false;
    predictDrawing();
  };
  clear();
  let last: [number, number] | undefined;
  const pos = (ev: PointerEvent): [number, number] => {
    const r = c.getBoundingClientRect();
    return [((ev.clientX - r.left) / r.width) * c.width, ((ev.clientY - r.top) / r.height) * c.height];
  };
  c.addEventListener('pointerdown', (ev) => {
    c.setPointerCapture?.(ev.pointerId);
    last = pos(ev);
    stroke(last, last);
  });
  c.addEventListener('pointermove', (ev) => {
    if (!last) return;
    const p = pos(ev);
    stroke(last, p);
    last = p;
  });
  const end = (): void => {
    if (!last) return;
    last = undefined;
    predictDrawing();
  };
  c.addEventListener('pointerup', end);
  c.addEventListener('pointerleave', end);
  function stroke(a: [number, number], b: [number, number]): void {
    g.strokeStyle = '#fff';
    g.lineWidth = 20;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.beginPath();
    g.moveTo(...a);
    g.lineTo(...b);
    g.stroke();
    drawn = true;
  }
  $('clear').addEventListener('click', clear);
  $('draw-add').addEventListener('click', () => {
    const label = $<HTMLInputElement>('draw-label').value.trim();
    if (!drawn || label === '') {
      $('draw-count').textContent = drawn ? 'Name the class first.' : 'Draw something first.';
      return;
    }
    drawings.push({ x: drawingInput(), label });
    clear();
    renderDrawings();
  });
  $('draw-use').addEventListener('click', () => {
    const classes = [...new Set(drawings.map((d) => d.label))].sort();
    const X = new Float64Array(drawings.length * 784);
    drawings.forEach((d, i) => X.set(d.x, i * 784));
    custom = { X, n: drawings.length, features: [], Y: drawings.map((d) => classes.indexOf(d.label)), classes, name: `${drawings.length} drawings`, shape: [28, 28, 1] };
    session = defaultSession('images', classes.length, drawings.length);
    model = undefined;
    renderSetup();
    saveSession();
    void prepareData();
  });
}

/** Your own drawings, each as the network sees it (28 × 28) with its class. */
const drawings: { x: Float64Array; label: string }[] = [];

function renderDrawings(): void {
  const counts = new Map<string, number>();
  for (const d of drawings) counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
  const ready = counts.size >= 2 && drawings.length >= 10;
  $<HTMLButtonElement>('draw-use').disabled = !ready;
  $('draw-count').textContent = `${drawings.length} drawings: ${[...counts].map(([l, n]) => `${l} ${n}`).join(', ')}` +
    (ready ? '' : ` (${counts.size < 2 ? 'at least two classes' : 'at least ten drawings'} before training)`);
}

/** The drawing as the network sees it: 28 × 28 grey levels in [0, 1]. */
function drawingInput(): Float64Array {
  const c = pad();
  const px = c.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, c.width, c.height).data;
  const ink = new Float64Array(c.width * c.height);
  for (let k = 0; k < ink.length; k++) ink[k] = px[4 * k] / 255;
  return centreDigit(ink, c.width, c.height);
}

function predictDrawing(): void {
  const x = drawn ? drawingInput() : new Float64Array(784);
  const prev = $<HTMLCanvasElement>('preview');
  const g = prev.getContext('2d')!;
  const img = g.createImageData(28, 28);
  for (let k = 0; k < 784; k++) img.data.set([255 * x[k], 255 * x[k], 255 * x[k], 255], 4 * k);
  g.putImageData(img, 0, 0);
  const out = $('prediction');
  const probsBox = $('probs');
  const shape = model ? inputShape(model) : undefined;
  if (!model || !shape || fmt(shape) !== fmt([28, 28, 1])) {
    out.textContent = model ? 'Drawing needs a model that takes 28×28 images: choose MNIST digits and train.' : 'Train (or load) an MNIST model, then draw.';
    probsBox.replaceChildren();
    return;
  }
  if (!drawn) {
    out.textContent = 'Draw a digit in the black square.';
    probsBox.replaceChildren();
    return;
  }
  const d = model.predict(new NDArray(x, [1, 28, 28, 1]));
  const p = Array.from(d.A.data);
  const classes = p.length === 10 ? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] : p.map((_, k) => String(k));
  const best = d.P.data[0];
  out.replaceChildren('Prediction: ', h('strong', { id: 'predicted', 'data-class': classes[best] }, classes[best]), ` (${(100 * p[best]).toFixed(1)}%)`);
  probsBox.replaceChildren(bars(p, classes));
}

// --- models: save, load, restore

function download(data: BlobPart, type: string, name: string): void {
  const a = h('a', { href: URL.createObjectURL(new Blob([data], { type })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function saveModel(): void {
  if (model) download(JSON.stringify(model.toJSON()), 'application/json', `${model.uname}.json`);
}

/** TF.js (model.json + weights, for tf.loadLayersModel) or ONNX; a layer the format cannot hold is named. */
function exportModel(format: 'tfjs' | 'onnx'): void {
  if (!model) return;
  try {
    if (format === 'tfjs') {
      const { modelJSON, weightData } = toTFJS(model);
      // one download: a zip of model.json and its weights file (stored, no compression library)
      const zip = storedZip([
        { name: 'model.json', data: new TextEncoder().encode(JSON.stringify(modelJSON)) },
        { name: TFJS_WEIGHTS_FILE, data: new Uint8Array(weightData) },
      ]);
      download(zip.slice().buffer, 'application/zip', `${model.uname}-tfjs.zip`);
      $('model-info').replaceChildren(`Exported ${model.uname}-tfjs.zip: model.json and ${TFJS_WEIGHTS_FILE} (float32). Unzip into one folder and load with tf.loadLayersModel('…/model.json').`);
    } else {
      download(toONNX(model).slice(), 'application/octet-stream', `${model.uname}.onnx`);
      $('model-info').replaceChildren(`Exported ${model.uname}.onnx (float32, opset 13) for ONNX Runtime.`);
    }
  } catch (err) {
    $('model-info').replaceChildren(h('span', { class: 'error' }, `Cannot export: ${err instanceof Error ? err.message : String(err)}`));
  }
}

async function loadModel(file: File): Promise<void> {
  try {
    const m = EpyNN.fromJSON(await file.text());
    confusion = undefined;
    lrates = [];
    setModel(m, true);
    $('model-info').prepend(h('strong', {}, `Loaded ${file.name}. `));
    $('status').replaceChildren(`Showing ${m.uname} (loaded): ${m.epochsDone} epochs trained.`);
    // the editor shows the loaded network when it takes the current data (the model's own options)
    const specs = m.layers.slice(1).map((l) => specFromConfig(l.name, l.toConfig()));
    if (fits(m) && specs.every((x) => x !== undefined)) {
      session.layers = specs as LayerSpec[];
      changed(true);
    }
  } catch (err) {
    $('model-info').replaceChildren(h('span', { class: 'error' }, `Could not load ${file.name}: ${err instanceof Error ? err.message : String(err)}`));
  }
}

// ----------------------------------------------------------------------------------------------
// Data

/** Whether the link asked to train at once (done once, when its data is ready). */
let autorun = Boolean(linked && 'session' in linked && linked.run);

/** Reads a CSV file as the dataset; a problem is shown naming the row and column, the page keeps its data. */
async function loadCsv(file: File): Promise<void> {
  const box = $('data-error');
  try {
    const d = parseCsv(await file.text(), file.name);
    custom = { X: d.X, n: d.n, features: d.features, Y: d.Y, classes: d.classes, name: file.name };
    box.textContent = '';
    session = defaultSession('csv', d.classes.length, d.n);
    model = undefined;
    renderSetup();
    saveSession();
    $('data-about').textContent = `${file.name}: ${d.n} rows${d.header ? ' (a header row was found)' : ''}, features ${d.features.join(', ')}; labels from column '${d.labelColumn}': ${d.classes.join(', ')}. Each feature is scaled to [0, 1]; the rows are shuffled with the seed; the last fifth is dval.`;
    await prepareData();
  } catch (err) {
    box.replaceChildren(h('span', { class: 'error', id: 'csv-error' }, `Could not use ${file.name}: ${err instanceof Error ? err.message : String(err)}`));
  }
}

/** Reads dropped or chosen images as the dataset; a problem names the file, the page keeps its data. */
async function loadImages(files: File[]): Promise<void> {
  const box = $('data-error');
  box.textContent = `Reading ${files.length} files…`;
  try {
    const d = await readImages(files);
    custom = d;
    box.textContent = '';
    session = defaultSession('images', d.classes.length, d.n);
    model = undefined;
    renderSetup();
    saveSession();
    $('data-about').textContent = `${d.n} images (${d.sizes}), classes ${d.classes.map((c) => `${c} (${d.Y.filter((y) => d.classes[y] === c).length})`).join(', ')}: made grey, resized like MNIST (cropped, 20×20, centred by mass in 28×28); shuffled with the seed; the last fifth is dval.`;
    await prepareData();
  } catch (err) {
    box.replaceChildren(h('span', { class: 'error', id: 'images-error' }, `Could not use these images: ${err instanceof Error ? err.message : String(err)}`));
  }
}

async function prepareData(): Promise<void> {
  dataset = undefined;
  check();
  try {
    if (session.data.kind === 'mnist' && !mnist) mnist = await loadMnist();
    dataset = makeDataset(session.data, session.train.seed, mnist, custom);
  } catch (err) {
    $('check').replaceChildren(h('span', { class: 'error' }, `Could not load the data: ${err instanceof Error ? err.message : String(err)}`));
    return;
  }
  confusion = undefined;
  check();
  renderModel();
  if (autorun) {
    autorun = false;
    if (checkError === undefined) {
      $('share-note').textContent = 'Training the experiment of the link…';
      startTraining();
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Start

function init(): void {
  const iso = crossOriginIsolated;
  $('badges').replaceChildren(
    h('span', { class: `badge ${iso ? 'on' : 'off'}`, title: 'SharedArrayBuffer (Stop/Resume inside an epoch) and threads need a cross-origin isolated page (COOP/COEP headers)' },
      iso ? 'cross-origin isolated' : 'not cross-origin isolated'),
    h('span', { class: 'badge' }, `WebAssembly SIMD: ${wasmSimd() ? 'yes' : 'no'}`),
    h('span', { class: 'badge', id: 'kernels' }, `${navigator.hardwareConcurrency ?? 1} cores`));
  fillSelect($<HTMLSelectElement>('dataset'), Object.keys(DATASETS), Object.values(DATASETS).map((d) => d.label));
  fillSelect($<HTMLSelectElement>('add-type'), LAYER_TYPES);
  fillSelect($<HTMLSelectElement>('loss'), Object.keys(lossFunctions()));
  fillSelect($<HTMLSelectElement>('schedule'), SCHEDULES);
  fillSelect($<HTMLSelectElement>('optimizer'), ['epynn_sgd', 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'],
    ['EpyNN SGD (p −= lr·g)', 'SGD (torch.optim)', 'Adam', 'AdamW', 'RMSprop', 'Adagrad']);
  $('metrics').replaceChildren(h('span', { class: 'muted' }, 'metrics: '), ...METRICS.map((m) => {
    const box = h('input', { type: 'checkbox', value: m });
    box.addEventListener('change', () => { readTrainInputs(); changed(); });
    return h('label', { class: 'metric' }, box, m);
  }));
  renderSetup();

  for (const id of ['images', 'image-folder']) {
    $(id).addEventListener('change', () => {
      const files = [...($<HTMLInputElement>(id).files ?? [])].filter((f) => f.type.startsWith('image/') || /\.(png|jpe?g|gif|webp|bmp)$/i.test(f.name));
      $<HTMLInputElement>(id).value = '';
      if (files.length) void loadImages(files);
    });
  }
  // images (or a CSV) dropped anywhere on the Data section
  const drop = $('setup');
  drop.addEventListener('dragover', (ev) => ev.preventDefault());
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    const files = [...(ev.dataTransfer?.files ?? [])];
    if (files.length === 1 && /\.(csv|tsv|txt)$/i.test(files[0].name)) void loadCsv(files[0]);
    else if (files.length) void loadImages(files);
  });
  $('csv').addEventListener('change', () => {
    const file = $<HTMLInputElement>('csv').files?.[0];
    $<HTMLInputElement>('csv').value = '';
    if (file) void loadCsv(file);
  });
  $('dataset').addEventListener('change', () => {
    const kind = $<HTMLSelectElement>('dataset').value as DatasetKind;
    const own = kind === 'csv' || kind === 'images';
    if (own && (!custom || (kind === 'images') !== (custom.shape !== undefined))) {
      $('data-error').textContent = kind === 'csv' ? 'Choose a CSV file first ("Load CSV…"): numeric feature columns and a label column.'
        : 'Choose or drop images first ("Load images…"): a folder per class, or the class at the start of each file name.';
      $<HTMLSelectElement>('dataset').value = session.data.kind;
      return;
    }
    session = own ? defaultSession(kind, custom!.classes.length, custom!.n) : defaultSession(kind);
    model = undefined;
    renderSetup();
    saveSession();
    void prepareData();
  });
  $('samples').addEventListener('change', () => {
    const v = Math.round(Number($<HTMLInputElement>('samples').value));
    session.data.samples = Math.min(DATASETS[session.data.kind].max, Math.max(20, Number.isFinite(v) ? v : session.data.samples));
    $<HTMLInputElement>('samples').value = String(session.data.samples);
    saveSession();
    void prepareData();
  });
  for (const id of ['loss', 'lr', 'schedule', 'epochs', 'batch', 'seed', 'backend', 'threads', 'optimizer', 'decay-k', 'cycle-epochs', 'cycle-descent']) {
    $(id).addEventListener('change', () => {
      readTrainInputs();
      changed();
      if (id === 'seed' && session.data.kind !== 'mnist') void prepareData();
    });
  }
  $('add-layer').addEventListener('click', () => {
    const type = $<HTMLSelectElement>('add-type').value as LayerType;
    // a new layer goes before the output layer
    session.layers.splice(Math.max(0, session.layers.length - 1), 0, layerSpec(type));
    changed(true);
  });
  $('train').addEventListener('click', startTraining);
  $('speed').addEventListener('change', applySpeed);
  $('compare-run').addEventListener('click', compareOptimizers);
  $('smoothing').addEventListener('input', renderBatchCharts);
  $('share').addEventListener('click', () => {
    readTrainInputs();
    const link = `${location.href.replace(/#.*$/, '')}#${toHash(session, metrics, true)}`;
    const box = $<HTMLInputElement>('share-link');
    box.hidden = false;
    box.value = link;
    box.select();
    void navigator.clipboard?.writeText(link).then(() => { $('share-note').textContent = 'Copied. Opening it trains this experiment again, bit for bit the same numbers (and the same as Node with the same seed).'; },
      () => { $('share-note').textContent = 'Copy the link: opening it trains this experiment again, bit for bit.'; });
  });
  if (linked && 'error' in linked) $('share-note').replaceChildren(h('span', { class: 'error' }, `This link's experiment was not loaded: ${linked.error}.`));
  $('stop').addEventListener('click', stopTraining);
  $('resume').addEventListener('click', resumeTraining);
  $('defaults').addEventListener('click', () => {
    session = defaultSession(session.data.kind);
    metrics = ['accuracy'];
    renderSetup();
    changed();
  });
  $('sample').addEventListener('input', renderMaps);
  $('save').addEventListener('click', saveModel);
  $('export-tfjs').addEventListener('click', () => exportModel('tfjs'));
  $('export-onnx').addEventListener('click', () => exportModel('onnx'));
  $('load').addEventListener('change', () => {
    const f = $<HTMLInputElement>('load').files?.[0];
    if (f) void loadModel(f);
    $<HTMLInputElement>('load').value = '';
  });
  setupPad();
  setupTeach({ fresh: freshModel, training: () => training === 'running', pause: pauseForSteps });

  // the last session's model
  const stored = localStorage.getItem(STORE.model);
  if (stored) {
    try {
      setModel(EpyNN.fromJSON(stored), false);
      $('model-info').prepend(h('strong', {}, 'Restored the last session. '));
      $('status').replaceChildren(`Showing ${model!.uname} (restored from the last session): ${model!.epochsDone} epochs trained.`);
    } catch { localStorage.removeItem(STORE.model); }
  }
  void prepareData();
}

function wasmSimd(): boolean {
  // the smallest module using a v128 instruction
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

init();
