// "Step through a batch": the stepper's controls, the network with the current phase drawn on it, and the
// selected layer's page: EpyNN's numbered equations, the TypeScript lines implementing each step, and this
// batch's values read from the layer's caches (click a cell to see which numbers made it).
import { type EpyNN, type Layer, type NDArray, fmt } from '../../src/index.js';
import { type Explanation, convDW, convDX, convZ, denseDW, denseDX, denseZ, gruCell, lstmCell, poolZ } from './explain.js';
import { type Equation, phaseEquations, excerptsFor, type CodeExcerpt } from './lesson.js';
import { layerSteps, updateExcerpt } from './sources.js';
import { type Phase, type Step, Stepper } from './stepper.js';
import { gradientCheck } from './gradcheck.js';

const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
};
const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

/** What the page gives the stepper. */
export interface TeachHost {
  /** A fresh network of the current session, initialized with its seed (undefined: the data is not ready or the network is invalid). */
  fresh(): EpyNN | undefined;
  /** Whether the worker is training now. */
  training(): boolean;
  /** Stops the worker after its current batch and gives its model (with the data set again). */
  pause(): Promise<EpyNN | undefined>;
}

let stepper: Stepper | undefined;
let host: TeachHost;
/** The layer whose page is shown, the tab, the batch sample, the explained cell. */
let selected = 1;
let tab: Phase = 'forward';
let sample = 0;
let explained: { key: string; flat: number } | undefined;
let origin = '';

const PHASE_LABEL: Record<Phase, string> = { forward: 'forward', loss: 'loss', backward: 'backward', gradients: 'gradients', update: 'update' };

export function setupTeach(h0: TeachHost): void {
  host = h0;
  $('step-start').addEventListener('click', () => start(host.fresh(), 'a fresh network (seed)'));
  $('step-pause').addEventListener('click', () => void host.pause().then((m) => start(m, 'the paused training')));
  $('step-next').addEventListener('click', () => run(() => [stepper!.step()]));
  for (const p of ['forward', 'loss', 'backward', 'gradients', 'update'] as const) {
    $(`step-${p}`).addEventListener('click', () => run(() => stepper!.stepTo(p)));
  }
  $('step-batch').addEventListener('click', () => run(() => stepper!.finishBatch()));
  $('gradcheck').addEventListener('click', runGradCheck);
  $<HTMLInputElement>('step-sample').addEventListener('change', () => {
    sample = Math.max(0, Math.round(Number($<HTMLInputElement>('step-sample').value)) || 0);
    explained = undefined;
    renderPage();
  });
  render();
}

/** Enables the pause button while the worker trains. */
export function teachTrainingChanged(): void {
  renderButtons();
}

function start(model: EpyNN | undefined, from: string): void {
  if (!model) {
    $('step-status').textContent = 'Nothing to step: the data is not loaded yet or the network does not fit together.';
    return;
  }
  stepper = new Stepper(model);
  (globalThis as { epynnStepper?: Stepper }).epynnStepper = stepper; // for the console (and the curious)
  origin = from;
  selected = 1;
  tab = 'forward';
  explained = undefined;
  stepper.beginBatch();
  render();
}

function run(fn: () => Step[]): void {
  if (!stepper) return;
  try {
    const ran = fn();
    const last = ran[ran.length - 1];
    if (last && last.layer >= 0) {
      selected = last.layer;
      tab = last.phase;
    } else if (last) tab = 'loss';
    explained = undefined;
  } catch (err) {
    $('step-status').textContent = `The step failed: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  render();
}

function render(): void {
  renderButtons();
  renderStatus();
  renderNet();
  renderPage();
  renderDiagnostics();
}

// ------------------------------------------------------------------------------------------------
// Diagnostics: histograms of activations and gradients, update/weight ratios, dead ReLUs; the gradient check

/** An SVG histogram of `values` in `bins` bins (the zero bin marked). */
function histogram(values: ArrayLike<number>, bins = 24, width = 150, height = 46): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) [lo, hi] = [lo - 1, lo + 1];
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.min(bins - 1, Math.floor(((values[i] - lo) / (hi - lo)) * bins))]++;
  const max = Math.max(...counts) || 1;
  const bw = width / bins;
  const bars = counts.map((c, i) => `<rect x="${(i * bw).toFixed(1)}" y="${(height - 12 - ((height - 14) * c) / max).toFixed(1)}" width="${(bw - 0.5).toFixed(1)}" height="${(((height - 14) * c) / max).toFixed(1)}"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" class="hist"><g fill="#0072b2">${bars}</g>` +
    `<text x="0" y="${height - 1}" font-size="9" fill="#66707a">${lo.toPrecision(2)}</text><text x="${width}" y="${height - 1}" font-size="9" text-anchor="end" fill="#66707a">${hi.toPrecision(2)}</text></svg>`;
}

const norm = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
};

/** Fraction of the units (the last axis) that are 0 for every sample and position of the batch. */
function deadFraction(A: NDArray): number {
  const u = A.shape[A.shape.length - 1];
  const alive = new Uint8Array(u);
  for (let i = 0; i < A.data.length; i++) if (A.data[i] !== 0) alive[i % u] = 1;
  return 1 - alive.reduce((a, v) => a + v, 0) / u;
}

function renderDiagnostics(): void {
  const box = $('diagnostics');
  if (!stepper) {
    box.replaceChildren();
    return;
  }
  const m = stepper.model;
  const rows = m.layers.slice(1).map((layer, k) => {
    const i = k + 1;
    const A = layer.fc.A;
    const grads = Object.entries(layer.g);
    const used = stepper!.used.get(i) ?? {};
    const lr = layer.lrate[layer.e] ?? layer.hPars.learning_rate;
    const ratios = grads.filter(([g]) => used[g.slice(1)]).map(([g, v]) => `${g.slice(1)}: ${(lr * norm(v.data) / (norm(used[g.slice(1)].data) || 1)).toExponential(1)}`);
    const relu = Object.values(layer.activation).some((a) => a === 'relu');
    const cell = (html: string): HTMLElement => {
      const td = h('td');
      td.innerHTML = html;
      return td;
    };
    return h('tr', { 'data-layer': String(i) },
      h('td', {}, `${i} ${layer.name}`),
      A && A.data.length ? cell(histogram(A.data)) : h('td', { class: 'muted small' }, '—'),
      grads.length && grads[0][1].data.length ? cell(histogram(grads[0][1].data)) : h('td', { class: 'muted small' }, grads.length ? '' : 'no parameters'),
      h('td', { class: 'small' }, ratios.join(' · ') || '—'),
      h('td', { class: 'small', 'data-dead': relu && A ? String(deadFraction(A)) : '' }, relu && A ? `${(100 * deadFraction(A)).toFixed(0)}% of units` : '—'));
  });
  box.replaceChildren(h('table', { class: 'diag' },
    h('thead', {}, h('tr', {}, ...['layer', 'activations A (this batch)', 'gradient ' + 'dW (or the first)', 'update / weight  ‖lr·g‖ / ‖p‖', 'dead ReLU'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows)),
  h('p', { class: 'muted small' }, 'Healthy signs: activations spread (not all 0, not saturated at ±1), gradients neither ~0 nor huge, update/weight ratios around 1e-3 (much smaller: learning stalls; much larger: it jumps), few dead ReLU units (0 for every sample: they no longer learn).'));
}

function runGradCheck(): void {
  const box = $('gradcheck-result');
  const m = stepper?.model ?? host.fresh();
  if (!m) {
    box.textContent = 'Nothing to check: the data is not loaded yet or the network does not fit together.';
    return;
  }
  const batch = stepper?.batch ?? m.embedding.trainingBatches()[0];
  box.textContent = 'Checking…';
  // let the message paint, then run (a few hundred forward passes of one batch)
  setTimeout(() => {
    try {
      const t0 = performance.now();
      const rows = gradientCheck(m, batch);
      const worst = Math.max(...rows.map((r) => r.maxRel));
      box.replaceChildren(h('table', { class: 'diag', id: 'gradcheck-table', 'data-worst': String(worst) },
        h('thead', {}, h('tr', {}, ...['layer', 'parameter', 'entries', 'max relative error', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...rows.map((r) => h('tr', { 'data-rel': String(r.maxRel) }, h('td', {}, `${r.layer} ${r.name}`), h('td', {}, r.param),
          h('td', { title: 'entries compared; at a kink: left out (not differentiable there)' }, `${r.checked}${r.kinks ? ` (+${r.kinks} at a kink)` : ''}`),
          h('td', {}, r.maxRel.toExponential(2)), h('td', { class: r.maxRel < 1e-6 ? 'ok' : 'error' }, r.maxRel < 1e-6 ? '✓ < 1e-6' : r.note || '✗'))))),
      h('p', { class: 'muted small' }, `Central differences (h = 1e-6) of the batch's total loss against backward + computeGradients, on a copy of the model, batch ${stepper ? stepper.batchIndex + 1 : 1} (${batch.X.shape[0]} samples); ${(performance.now() - t0).toFixed(0)} ms.`));
    } catch (err) {
      box.replaceChildren(h('span', { class: 'error' }, `The gradient check cannot run: ${err instanceof Error ? err.message : String(err)}`));
    }
  }, 20);
}

function renderButtons(): void {
  if (!host) return;
  const pending = stepper?.pending;
  const rest = stepper ? stepper.steps.slice(stepper.pending ? stepper.next : 0) : [];
  const has = (p: Phase): boolean => stepper !== undefined && (pending === undefined ? p === 'forward' : rest.some((s) => s.phase === p));
  $<HTMLButtonElement>('step-next').disabled = !stepper;
  for (const p of ['forward', 'loss', 'backward', 'gradients', 'update'] as const) $<HTMLButtonElement>(`step-${p}`).disabled = !has(p);
  $<HTMLButtonElement>('step-batch').disabled = !stepper;
  $<HTMLButtonElement>('step-pause').disabled = !host.training();
}

const describe = (s: Step | undefined, m: EpyNN): string =>
  s === undefined ? 'the next batch' : s.phase === 'loss' ? `the loss (${m.loss})` : `${PHASE_LABEL[s.phase]} of layer ${s.layer} ${m.layers[s.layer].name}`;

function renderStatus(): void {
  const box = $('step-status');
  if (!stepper) {
    box.textContent = 'Start from a fresh network (the session\'s seed), or pause the training, then step.';
    delete box.dataset.step;
    return;
  }
  const m = stepper.model;
  const last = stepper.last;
  box.dataset.step = String(stepper.next);
  box.dataset.batch = String(stepper.batchIndex);
  if (stepper.loss) box.dataset.loss = String(mean(stepper.loss));
  else delete box.dataset.loss;
  box.replaceChildren(
    h('strong', {}, `Batch ${stepper.batchIndex + 1} of ${stepper.batches.length}`), ` (epoch ${m.e + 1}, from ${origin}, ${stepper.batch?.X.shape[0] ?? 0} samples) · `,
    `done: ${last ? describe(last, m) : 'nothing yet'} · next: ${describe(stepper.pending, m)}`,
    stepper.loss ? h('span', { class: 'muted' }, ` · batch loss ${mean(stepper.loss).toPrecision(6)}`) : '',
  );
}

const mean = (a: NDArray): number => a.data.reduce((s, v) => s + v, 0) / Math.max(1, a.data.length);

/** The layers as boxes; the current one marked with the direction of the pass. */
function renderNet(): void {
  const box = $('step-net');
  if (!stepper) {
    box.replaceChildren();
    return;
  }
  const m = stepper.model;
  const last = stepper.last;
  const pending = stepper.pending;
  const doneF = new Set<number>();
  const doneB = new Set<number>();
  for (let k = 0; k < stepper.next; k++) {
    const s = stepper.steps[k];
    if (s.phase === 'forward') doneF.add(s.layer);
    if (s.phase === 'update') doneB.add(s.layer);
  }
  const items: HTMLElement[] = m.layers.map((l, i) => {
    const cur = last !== undefined && last.layer === i;
    const dir = cur ? (last!.phase === 'forward' ? 'fwd' : 'bwd') : '';
    const cls = ['node', doneF.has(i) ? 'donef' : '', doneB.has(i) ? 'doneb' : '', cur ? `current ${dir}` : '', pending?.layer === i ? 'next' : '', i === selected ? 'selected' : ''].join(' ');
    const b = h('button', { type: 'button', class: cls, 'data-layer': String(i), title: 'show this layer\'s page' },
      h('span', { class: 'nname' }, `${i} ${l.name}`),
      h('span', { class: 'nshape' }, l.fc.A ? fmt(l.fc.A.shape) : ''),
      h('span', { class: 'nphase' }, cur ? `${last!.phase === 'forward' ? '▶' : '◀'} ${PHASE_LABEL[last!.phase]}` : pending?.layer === i ? `next: ${PHASE_LABEL[pending.phase]}` : ''));
    b.addEventListener('click', () => {
      selected = i;
      tab = doneB.has(i) ? 'update' : last?.layer === i ? last.phase : 'forward';
      explained = undefined;
      renderNet();
      renderPage();
    });
    return b;
  });
  const lossCur = last?.phase === 'loss';
  const loss = h('button', { type: 'button', class: `node loss${lossCur ? ' current bwd' : ''}${pending?.phase === 'loss' ? ' next' : ''}${tab === 'loss' ? ' selected' : ''}`, 'data-layer': 'loss' },
    h('span', { class: 'nname' }, `loss ${m.loss}`), h('span', { class: 'nshape' }, stepper.loss ? mean(stepper.loss).toPrecision(4) : ''),
    h('span', { class: 'nphase' }, lossCur ? '◀ dL/dA' : pending?.phase === 'loss' ? 'next' : ''));
  loss.addEventListener('click', () => {
    tab = 'loss';
    explained = undefined;
    renderNet();
    renderPage();
  });
  const arrows: HTMLElement[] = [];
  items.forEach((it, i) => {
    arrows.push(it);
    arrows.push(h('span', { class: 'arrow' }, '→'));
    void i;
  });
  box.replaceChildren(...arrows, loss);
}

// ------------------------------------------------------------------------------------------------
// The layer's page

function renderPage(): void {
  const box = $('step-page');
  if (!stepper) {
    box.replaceChildren();
    return;
  }
  const m = stepper.model;
  if (tab === 'loss') {
    box.replaceChildren(lossPage());
    return;
  }
  const layer = m.layers[selected];
  const tabs = h('div', { class: 'tabs' }, ...(['forward', 'backward', 'gradients', 'update'] as const).map((p) => {
    const b = h('button', { type: 'button', class: p === tab ? 'tab on' : 'tab', 'data-tab': p }, PHASE_LABEL[p]);
    b.addEventListener('click', () => {
      tab = p;
      explained = undefined;
      renderPage();
    });
    return b;
  }));
  const eqs = phaseEquations(layer.name, tab);
  const code = (n: string): CodeExcerpt[] => (tab === 'update' ? [updateExcerpt()] : excerptsFor(layerSteps(layer.name, tab === 'loss' ? 'forward' : tab), n));
  const highlightSteps = new Set(explained ? explanationFor(layer, explained.key, explained.flat)?.steps ?? [] : []);
  const eqList = h('div', { class: 'equations' }, ...(eqs.length ? eqs : [{ n: '', eq: Object.keys(layer.p).length === 0 && tab !== 'forward' && tab !== 'backward' ? 'no parameters: nothing to compute here' : '—', about: '' } as Equation])
    .map((e) => h('div', { class: `eqrow${highlightSteps.has(e.n) ? ' hot' : ''}`, 'data-eq': e.n },
      h('div', { class: 'eqline' }, h('span', { class: 'eqn' }, e.n ? `(${e.n})` : ''), h('span', { class: 'eqtext' }, e.eq), h('span', { class: 'muted small' }, e.about)),
      ...dedupe(code(e.n)).map((c) => h('pre', { class: 'code', title: `${c.file}:${c.line}` }, h('span', { class: 'codefile' }, `${c.file}:${c.line}`), '\n', c.lines.join('\n'))))));
  const values = h('div', { class: 'values' }, ...valueViews(layer));
  const head = h('div', { class: 'pagehead' }, h('strong', {}, `Layer ${selected}: ${layer.name}`), ' ', h('span', { class: 'muted' }, Object.values(layer.activation).join(', ')), tabs);
  box.replaceChildren(head, h('div', { class: 'pagecols' }, eqList, values));
}

const dedupe = (cs: CodeExcerpt[]): CodeExcerpt[] => {
  const seen = new Set<string>();
  return cs.filter((c) => {
    const k = `${c.file}:${c.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

function lossPage(): HTMLElement {
  const s = stepper!;
  const m = s.model;
  const out: HTMLElement[] = [h('div', { class: 'pagehead' }, h('strong', {}, `The loss: ${m.loss}`), ' ',
    h('span', { class: 'muted' }, 'per sample L = loss(Y, A); the backward pass starts from dL/dA = loss′(Y, A)'))];
  if (!s.loss || !s.batch) {
    out.push(h('p', { class: 'muted' }, 'Not computed yet in this batch: step forward through every layer first.'));
    return h('div', {}, ...out);
  }
  out.push(h('div', { class: 'values' },
    tensorView('Y (labels)', 'Y', s.batch.Y!, true),
    tensorView('A (the output)', 'A', s.output!, true),
    tensorView('L (loss per sample)', 'L', s.loss, false),
    tensorView('dL/dA (to the last layer)', 'dA', s.signal!, true)));
  return h('div', {}, ...out);
}

/** The arrays of this layer for the tab: caches, parameters as the step used them, gradients. */
function valueViews(layer: Layer): HTMLElement[] {
  const used = stepper!.used.get(selected) ?? {};
  const views: HTMLElement[] = [];
  const add = (title: string, key: string, a: NDArray | undefined, batch: boolean): void => {
    if (a && a.data.length > 0) views.push(tensorView(title, key, a, batch));
  };
  const fc = layer.fc;
  const bc = layer.bc;
  if (tab === 'forward') {
    if (!fc.X && !fc.A) return [h('p', { class: 'muted' }, 'Not run yet in this batch.')];
    for (const [k, v] of Object.entries(fc)) add(`fc.${k}`, k, v, true);
    for (const [k, v] of Object.entries(used)) add(`p.${k} (as used)`, k, v, false);
  } else if (tab === 'backward') {
    if (!bc.dA) return [h('p', { class: 'muted' }, 'Not run yet in this batch.')];
    for (const [k, v] of Object.entries(bc)) add(`bc.${k}`, k, v, true);
    for (const [k, v] of Object.entries(used)) add(`p.${k} (as used)`, k, v, false);
  } else if (tab === 'gradients') {
    if (Object.keys(layer.g).length === 0) return [h('p', { class: 'muted' }, 'No parameters, no gradients.')];
    for (const [k, v] of Object.entries(layer.g)) add(`g.${k}`, k, v, false);
  } else if (tab === 'update') {
    for (const [k, v] of Object.entries(used)) {
      add(`p.${k} before`, `${k}:before`, v, false);
      add(`g.d${k}`, `d${k}`, layer.g[`d${k}`], false);
      add(`p.${k} after`, `${k}:after`, layer.p[k], false);
    }
    if (views.length === 0) return [h('p', { class: 'muted' }, 'No parameters to update.')];
    views.unshift(h('p', { class: 'muted small' }, `optimizer ${layer.optimizer.name}, learning rate lrate[${layer.e}] = ${layer.lrate[layer.e] ?? layer.hPars.learning_rate}, update #${layer.steps}`));
  }
  if (explained) {
    const e = explanationFor(layer, explained.key, explained.flat);
    if (e) views.unshift(explanationView(e));
  }
  return views;
}

/** The explanation of a clicked cell, if this layer and array have one. */
function explanationFor(layer: Layer, key: string, flat: number): Explanation | undefined {
  const used = stepper!.used.get(selected) ?? layer.p;
  const { fc, bc, g } = layer;
  const coords = (a: NDArray): number[] => {
    const out: number[] = [];
    let r = flat;
    for (let i = a.shape.length - 1; i >= 0; i--) {
      out.unshift(r % a.shape[i]);
      r = Math.floor(r / a.shape[i]);
    }
    return out;
  };
  const d = layer.d as Record<string, number>;
  if (layer.name === 'Convolution') {
    if ((key === 'Z' || key === 'A') && fc.Z && fc.A) {
      const [im, y, x, u] = coords(fc.Z);
      return convZ({ X: fc.X, Z: fc.Z, A: fc.A, W: used.W, b: used.b, d, useBias: (layer as unknown as { useBias: boolean }).useBias }, im, y, x, u);
    }
    if (key === 'dX' && bc.dX && bc.dZ) {
      const [im, y, x, k] = coords(bc.dX);
      return convDX({ X: fc.X, dZ: bc.dZ, dX: bc.dX, W: used.W, d }, im, y, x, k);
    }
    if (key === 'dW' && g.dW && bc.dZ) {
      const [a, b, k, u] = coords(g.dW);
      return convDW({ X: fc.X, dZ: bc.dZ, dW: g.dW, d }, a, b, k, u);
    }
  }
  if (layer.name === 'Dense') {
    if ((key === 'Z' || key === 'A') && fc.Z && fc.A) {
      const [im, u] = coords(fc.Z);
      return denseZ({ X: fc.X, Z: fc.Z, A: fc.A, W: used.W, b: used.b }, im, u);
    }
    if (key === 'dX' && bc.dX && bc.dZ) {
      const [im, j] = coords(bc.dX);
      return denseDX({ dZ: bc.dZ, dX: bc.dX, W: used.W }, im, j);
    }
    if (key === 'dW' && g.dW && bc.dZ) {
      const [j, u] = coords(g.dW);
      return denseDW({ X: fc.X, dZ: bc.dZ, dW: g.dW }, j, u);
    }
  }
  if (layer.name === 'LSTM' && fc.h && fc.Cp_ && ['h', 'C', 'C_', 'f', 'i', 'g', 'o', 'f_', 'i_', 'g_', 'o_', 'Cp_', 'hp'].includes(key)) {
    const [im, st, u] = coords(fc.h);
    return lstmCell(fc, im, st, u);
  }
  if (layer.name === 'GRU' && fc.h && fc.z && ['h', 'z', 'r', 'hh', 'z_', 'r_', 'hh_', 'hp'].includes(key)) {
    const [im, st, u] = coords(fc.h);
    return gruCell(fc, im, st, u);
  }
  if (layer.name === 'Pooling' && (key === 'Z' || key === 'A') && fc.Z) {
    const [im, y, x, k] = coords(fc.Z);
    return poolZ({ X: fc.X, Z: fc.Z, d, pool: (layer as unknown as { pool: string }).pool }, im, y, x, k);
  }
  return undefined;
}

const num = (v: number): string => (Number.isNaN(v) ? '' : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(5) : v.toExponential(3));

function explanationView(e: Explanation): HTMLElement {
  const shown = e.terms.slice(0, 48);
  const rows = shown.map((t) => h('tr', {}, h('td', { class: 'what' }, t.what), h('td', {}, num(t.a)), h('td', {}, Number.isNaN(t.b) ? '' : `× ${num(t.b)}`), h('td', {}, `= ${num(t.product)}`)));
  const more = e.terms.length > shown.length ? [h('tr', {}, h('td', { colspan: '4', class: 'muted' }, `… and ${e.terms.length - shown.length} more terms`))] : [];
  const line: (Node | string)[] = [`Σ of ${e.terms.length} terms = ${num(e.sum)}`];
  if (e.bias !== undefined) line.push(` + b ${num(e.bias)} = ${num(e.sum + e.bias)}`);
  const total = e.bias !== undefined ? e.sum + e.bias : e.sum;
  const diff = Math.abs(total - e.cached);
  return h('div', { class: 'explain', 'data-cell': e.cell, 'data-cached': String(e.cached), 'data-sum': String(total), 'data-terms': String(e.terms.length), ...(e.activated !== undefined ? { 'data-activated': String(e.activated) } : {}) },
    h('div', { class: 'exhead' }, h('strong', {}, e.cell), ` — steps ${e.steps.map((s) => `(${s})`).join(' ')}`),
    h('table', { class: 'terms' }, h('tbody', {}, ...rows, ...more)),
    h('div', { class: 'exsum' }, ...line),
    h('div', { class: 'excached' }, `${e.cachedName} (the layer's cache) = `, h('strong', {}, num(e.cached)),
      h('span', { class: 'muted small' }, diff === 0 ? '  (the same bits)' : `  (differs by ${diff.toExponential(1)}: the kernel adds in another order)`)),
    e.activated !== undefined ? h('div', { class: 'exact' }, e.activatedName ?? '(6) activation: fc.A', ' = ', h('strong', {}, num(e.activated))) : '');
}

// ------------------------------------------------------------------------------------------------
// Arrays as grids of cells (canvas); a click explains the cell when the layer knows how

interface Slice { title: string; rows: number; cols: number; flat: (r: number, c: number) => number }

/** The 2-D slices to draw for an array: batch arrays show the selected sample. */
function slices(a: NDArray, batch: boolean): Slice[] {
  const s = a.shape;
  const m = batch ? Math.min(sample, s[0] - 1) : 0;
  if (batch && s.length === 4) {
    const [, hh, ww, c] = s;
    return Array.from({ length: Math.min(c, 16) }, (_, k) => ({ title: `[${m}, :, :, ${k}]`, rows: hh, cols: ww, flat: (r: number, cc: number) => ((m * hh + r) * ww + cc) * c + k }));
  }
  if (!batch && s.length === 4) {
    const [fh, fw, d, u] = s;
    const out: Slice[] = [];
    for (let k = 0; k < Math.min(d, 4); k++) for (let iu = 0; iu < Math.min(u, 16); iu++) out.push({ title: `[:, :, ${k}, ${iu}]`, rows: fh, cols: fw, flat: (r, cc) => ((r * fw + cc) * d + k) * u + iu });
    return out;
  }
  if (batch && s.length === 3) {
    const [, st, u] = s;
    return [{ title: `[${m}] steps ↓ × units →`, rows: st, cols: u, flat: (r, cc) => (m * st + r) * u + cc }];
  }
  if (batch && s.length === 2) {
    const n = s[1];
    const cols = n > 48 ? Math.ceil(Math.sqrt(n)) : n;
    return [{ title: `[${m}, :]${n > 48 ? ` (wrapped ${cols} a row)` : ''}`, rows: Math.ceil(n / cols), cols, flat: (r, cc) => (r * cols + cc < n ? m * n + r * cols + cc : -1) }];
  }
  if (s.length === 2) return [{ title: '', rows: s[0], cols: s[1], flat: (r, cc) => r * s[1] + cc }];
  const n = a.data.length;
  const cols = n > 48 ? Math.ceil(Math.sqrt(n)) : n;
  return [{ title: '', rows: Math.ceil(n / cols), cols, flat: (r, cc) => (r * cols + cc < n ? r * cols + cc : -1) }];
}

function tensorView(title: string, key: string, a: NDArray, batch: boolean): HTMLElement {
  const layer = stepper!.model.layers[selected];
  const hl = explained ? (tab === 'loss' ? undefined : explanationFor(layer, explained.key, explained.flat))?.highlight[key.replace(/:.*/, '')] : undefined;
  const hot = new Set(hl ?? []);
  const all = slices(a, batch);
  const target = all.length <= 2 ? 220 : 112;
  const maps = all.map((sl) => {
    const px = Math.max(3, Math.min(22, Math.floor(target / Math.max(sl.rows, sl.cols))));
    const c = h('canvas', { width: String(sl.cols * px), height: String(sl.rows * px), class: 'cells', 'data-key': key, 'data-px': String(px) });
    const g = c.getContext('2d')!;
    let amax = 0;
    for (let r = 0; r < sl.rows; r++) for (let cc = 0; cc < sl.cols; cc++) {
      const f = sl.flat(r, cc);
      if (f >= 0) amax = Math.max(amax, Math.abs(a.data[f]));
    }
    amax = amax || 1;
    g.font = `${Math.max(7, px * 0.38)}px system-ui`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    for (let r = 0; r < sl.rows; r++) {
      for (let cc = 0; cc < sl.cols; cc++) {
        const f = sl.flat(r, cc);
        if (f < 0) continue;
        const t = a.data[f] / amax;
        g.fillStyle = t >= 0 ? `rgb(${255 - 42 * t},${255 - 161 * t},${255 - 255 * t})` : `rgb(${255 + 255 * t},${255 + 141 * t},${255 + 77 * t})`;
        g.fillRect(cc * px, r * px, px, px);
        if (px >= 20) {
          g.fillStyle = '#222';
          g.fillText(a.data[f].toFixed(2), cc * px + px / 2, r * px + px / 2);
        }
        if (hot.has(f)) {
          g.strokeStyle = explained?.key === key && explained.flat === f ? '#c0392b' : '#0072b2';
          g.lineWidth = Math.max(1, px / 6);
          g.strokeRect(cc * px + 0.5, r * px + 0.5, px - 1, px - 1);
        }
      }
    }
    c.addEventListener('click', (ev) => {
      const rect = c.getBoundingClientRect();
      const cc = Math.floor(((ev.clientX - rect.left) / rect.width) * sl.cols);
      const r = Math.floor(((ev.clientY - rect.top) / rect.height) * sl.rows);
      const f = sl.flat(Math.min(sl.rows - 1, r), Math.min(sl.cols - 1, cc));
      if (f < 0) return;
      explained = { key: key.replace(/:.*/, ''), flat: f };
      $('step-cell').textContent = `${title}${fmt(coordsOf(a.shape, f))} = ${a.data[f]}`;
      $('step-cell').dataset.v = String(a.data[f]);
      renderPage();
    });
    return h('div', { class: 'slice' }, h('div', { class: 'muted small' }, sl.title), c);
  });
  const more = a.shape.length === 4 && (batch ? a.shape[3] > 16 : a.shape[3] > 16 || a.shape[2] > 4) ? [h('span', { class: 'muted small' }, '(first slices)')] : [];
  return h('div', { class: 'tensor', 'data-key': key }, h('div', { class: 'tname' }, h('code', {}, title), ' ', h('span', { class: 'muted small' }, fmt(a.shape))), h('div', { class: 'slices' }, ...maps, ...more));
}

function coordsOf(shape: number[], flat: number): number[] {
  const out: number[] = [];
  for (let i = shape.length - 1; i >= 0; i--) {
    out.unshift(flat % shape[i]);
    flat = Math.floor(flat / shape[i]);
  }
  return out;
}

/** For tests and the curious: the stepper in use. */
export const currentStepper = (): Stepper | undefined => stepper;
