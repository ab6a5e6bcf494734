// An experiment in the URL hash: dataset, network, training settings, seed and metrics, so that a link
// reproduces a run. Readable keys; each layer as Type(key=value,...) with only the options that differ
// from the defaults:  #data=mnist&n=5000&net=Convolution(unitFilters=4)~Pooling~Flatten~Dense(units=10,activate=softmax)
//                     &loss=CCE&lr=0.01&schedule=steady&epochs=3&batch=32&seed=1&metrics=accuracy&run
import { MAX_THREADS } from '../../src/commons/checks.js';
import { DATASETS } from './datasets.js';
import { CATALOG, type DatasetKind, type LayerSpec, type LayerType, type Session, defaultSession, layerSpec } from './spec.js';

/** A session (and the metrics) as a hash string without the leading '#'. */
export function toHash(s: Session, metrics: string[], run = false): string {
  const net = s.layers.map((l) => {
    const defaults = CATALOG[l.type].defaults;
    const opts = Object.entries(l.opts).filter(([k, v]) => defaults[k] !== v).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
    return opts.length ? `${l.type}(${opts.join(',')})` : l.type;
  }).join('~');
  const t = s.train;
  const parts: [string, string | number][] = [
    ['data', s.data.kind], ['n', s.data.samples], ['net', net], ['loss', t.loss], ['lr', t.learningRate], ['schedule', t.schedule],
    ['epochs', t.epochs], ['batch', t.batchSize], ['seed', t.seed],
  ];
  if (t.schedule !== 'steady') parts.push(['decayK', t.decayK ?? 0], ['cycleEpochs', t.cycleEpochs ?? 0], ['cycleDescent', t.cycleDescent ?? 0]);
  if (t.backend === 'js') parts.push(['backend', 'js']);
  if (t.threads !== undefined) parts.push(['threads', t.threads]);
  if (t.optimizer !== undefined && t.optimizer !== 'epynn_sgd') parts.push(['optimizer', t.optimizer]);
  parts.push(['metrics', metrics.join(',')]);
  return parts.map(([k, v]) => `${k}=${k === 'net' ? v : encodeURIComponent(String(v))}`).join('&') + (run ? '&run' : '');
}

/** A hash read back: the session, the metrics, whether to train at once; or the problem, named. */
export type FromHash = { session: Session; metrics: string[]; run: boolean } | { error: string } | undefined;

/** Parses a hash made by toHash (undefined for an empty hash or one without data=). */
export function fromHash(hash: string, knownMetrics: string[]): FromHash {
  const text = hash.replace(/^#/, '');
  if (text === '') return undefined;
  const params = new Map<string, string>();
  for (const part of text.split('&')) {
    const i = part.indexOf('=');
    params.set(i < 0 ? part : part.slice(0, i), i < 0 ? '' : part.slice(i + 1));
  }
  const kind = params.get('data');
  if (kind === undefined) return undefined;
  if (kind === 'csv' || kind === 'images') return { error: 'the link names your own data, whose data stays in the browser that loaded it: load the file, then the link\'s network applies' };
  if (!(kind in DATASETS)) return { error: `the link's dataset '${kind}' is not one of ${Object.keys(DATASETS).filter((k) => k !== 'csv' && k !== 'images').join(', ')}` };
  const s = defaultSession(kind as DatasetKind);
  const num = (key: string, int: boolean, fallback: number): number => {
    const raw = params.get(key);
    if (raw === undefined) return fallback;
    const v = Number(decodeURIComponent(raw));
    if (!Number.isFinite(v) || (int && !Number.isInteger(v))) throw new Error(`${key}=${raw} is not ${int ? 'an integer' : 'a number'}`);
    return v;
  };
  try {
    s.data.samples = Math.min(DATASETS[kind as DatasetKind].max, num('n', true, s.data.samples));
    const net = params.get('net');
    if (net !== undefined) s.layers = net === '' ? [] : net.split('~').map(parseLayer);
    const t = s.train;
    t.loss = decodeURIComponent(params.get('loss') ?? t.loss);
    t.learningRate = num('lr', false, t.learningRate);
    t.schedule = decodeURIComponent(params.get('schedule') ?? t.schedule);
    t.epochs = num('epochs', true, t.epochs);
    t.batchSize = num('batch', true, t.batchSize);
    t.seed = num('seed', true, t.seed);
    if (params.has('decayK')) t.decayK = num('decayK', false, 0);
    if (params.has('cycleEpochs')) t.cycleEpochs = num('cycleEpochs', true, 0);
    if (params.has('cycleDescent')) t.cycleDescent = num('cycleDescent', false, 0);
    if (params.get('backend') === 'js') t.backend = 'js';
    if (params.has('threads')) {
      t.threads = num('threads', true, 0);
      if (t.threads < 1 || t.threads > MAX_THREADS) throw new Error(`threads=${t.threads} is not from 1 to ${MAX_THREADS}`);
    }
    if (params.has('optimizer')) t.optimizer = decodeURIComponent(params.get('optimizer')!);
  } catch (err) {
    return { error: `the link's experiment cannot be read: ${err instanceof Error ? err.message : String(err)}` };
  }
  const metrics = decodeURIComponent(params.get('metrics') ?? 'accuracy').split(',').filter((m) => knownMetrics.includes(m));
  return { session: s, metrics: metrics.length ? metrics : ['accuracy'], run: params.has('run') };
}

function parseLayer(text: string): LayerSpec {
  const m = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(text);
  if (!m || !(m[1] in CATALOG)) throw new Error(`layer '${decodeURIComponent(text)}' is not one of ${Object.keys(CATALOG).join(', ')}`);
  const type = m[1] as LayerType;
  const spec = layerSpec(type);
  for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
    const [k, raw] = kv.split('=');
    if (!(k in spec.opts)) throw new Error(`${type} has no option '${k}' (its options: ${Object.keys(spec.opts).join(', ')})`);
    const v = decodeURIComponent(raw ?? '');
    const def = spec.opts[k];
    if (typeof def === 'boolean') spec.opts[k] = v === 'true';
    else if (typeof def === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`${type} option ${k}=${v} is not a number`);
      spec.opts[k] = n;
    } else spec.opts[k] = v;
  }
  return spec;
}
