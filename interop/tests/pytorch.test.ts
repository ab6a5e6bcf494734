// epynn-ts's PyTorch export checked by PyTorch itself (Debian's python3-torch, CPU, float64):
// model.py predicts as epynn-ts, train.py trains as epynn-ts, torchrun data-parallel trains as one
// process, and readPyTorch brings the result back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNormalization, Convolution, Dense, Embedding, EpyNN, Flatten, GRU, LSTM, type Layer, LayerNormalization, type NDArray, type Optimizer, Pooling, RNN, adagrad, adam, adamw,
  decodeNpz, defaultHPars, encodeNpz, relu, rmsprop, sgd, sigmoid, softmax, tanh,
} from '../../src/index.js';
import { readPyTorch, writePyTorch } from '../../src/node/index.js';
import { randomizeParameters, samples, zoo } from '../../tests/io/export_models.js';
import { PYTHON, command, mismatches, python, script, versions } from './python.js';

const tmp = mkdtempSync(join(tmpdir(), 'epynn-pytorch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface BuildOptions { loss?: string; batchSize?: number; labels?: number; hPars?: object; n?: number; optimizer?: Optimizer; clipNorm?: number; clipValue?: number }

/** The seeded samples and labels of build(). */
function trainData(inputShape: number[], o: BuildOptions): { XData: NDArray; YData: number[] } {
  const n = o.n ?? 24;
  const labels = o.labels ?? 2;
  return { XData: samples(n, inputShape, 5), YData: Array.from({ length: n }, (_, i) => i % labels) };
}

/** A model on seeded samples with `labels` one-hot classes, initialized and randomized (seeded). */
function build(name: string, inputShape: number[], layers: Layer[], o: BuildOptions = {}): EpyNN {
  const m = new EpyNN([new Embedding({ ...trainData(inputShape, o), YEncode: true, batchSize: o.batchSize }), ...layers], name);
  m.initialize({ loss: o.loss ?? 'MSE', seed: 1, seHPars: defaultHPars(o.hPars ?? {}), quiet: true, optimizer: o.optimizer, clipNorm: o.clipNorm, clipValue: o.clipValue });
  return randomizeParameters(m, 1);
}

/** Models beyond the export zoo: min pooling, PyTorch-less gate activations. */
const extra: Record<string, () => EpyNN> = {
  cnn_pad_strides_max_min: () =>
    build('cnn_pad_strides_max_min', [9, 8, 2], [
      new Convolution({ unitFilters: 3, filterSize: [3, 2], strides: [2, 1], padding: 1, activate: tanh }),
      new Pooling({ poolSize: 2, strides: 1, pool: 'max' }),
      new Pooling({ poolSize: [2, 2], pool: 'min' }), // default strides = the pool size
      new Flatten(), new Dense({ units: 2, activate: softmax }),
    ]),
  lstm_gate_activations: () =>
    build('lstm_gate_activations', [5, 3], [new LSTM({ unitCells: 4, activateForget: tanh, activateCandidate: relu, activate: sigmoid }), new Dense({ units: 2, activate: softmax })]),
  dense_batchnorm_layernorm: () =>
    build('dense_batchnorm_layernorm', [6], [
      new Dense({ units: 5, activate: relu }), new BatchNormalization({ momentum: 0.3 }), new Dense({ units: 4, activate: tanh }), new LayerNormalization({ epsilon: 1e-3 }),
      new Dense({ units: 2, activate: softmax }),
    ]),
  gru_gate_activations: () =>
    build('gru_gate_activations', [5, 3], [new GRU({ unitCells: 4, activateReset: tanh, activate: relu, sequences: true }), new Flatten(), new Dense({ units: 2, activate: sigmoid })]),
};

const PREDICT_PY = String.raw`
import sys, numpy as np, torch
for d in sys.argv[1:]:
    sys.path.insert(0, d)
    sys.modules.pop('model', None)
    import model
    net = model.load()
    with np.load(d + '/x.npz') as z:
        X = torch.from_numpy(z['X'])
    with torch.no_grad():
        A = net(X).numpy()
    np.savez(d + '/torch.npz', A=A)
    sys.path.pop(0)
`;

// Runs the train.py of several folders in one Python process (one torch import instead of one per
// folder): each train.py module is loaded from its file and its main() called with the command line.
// Arguments: triples <folder> <data.npz> <out folder>, one epoch each.
const TRAIN_MANY_PY = String.raw`
import importlib.util, sys
args = sys.argv[1:]
for i in range(0, len(args), 3):
    d, data, out = args[i:i + 3]
    sys.modules.pop('model', None)
    spec = importlib.util.spec_from_file_location('train_%d' % i, d + '/train.py')
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    train.main(['--data', data, '--epochs', '1', '--out', out])
    sys.path.remove(d)
`;

/** One epoch of train.py for each [folder, data, out] in one Python process. */
function trainMany(runs: [string, string, string][]): void {
  python([script('train_many.py', TRAIN_MANY_PY), ...runs.flat()], { cwd: tmp });
}

/** model.py's outputs for X of each folder (writes x.npz, reads torch.npz). */
function torchPredict(dirs: string[], Xs: NDArray[]): Float64Array[] {
  dirs.forEach((d, i) => writeFileSync(join(d, 'x.npz'), encodeNpz({ X: Xs[i] })));
  python([script('predict.py', PREDICT_PY), ...dirs]);
  return dirs.map((d) => decodeNpz(new Uint8Array(readFileSync(join(d, 'torch.npz'))), d).A.data);
}

const params = (m: EpyNN): Record<string, Float64Array> =>
  Object.fromEntries(m.layers.flatMap((l, i) => Object.entries(l.p).map(([k, v]) => [`layer${i}.${k}`, v.data] as const)));

/** The optimizer state of every layer with parameters: its update count and state arrays, copied. */
function optState(m: EpyNN): Record<string, Float64Array | number> {
  const out: Record<string, Float64Array | number> = {};
  m.layers.forEach((l, i) => {
    if (Object.keys(l.p).length === 0) return;
    out[`layer${i}.steps`] = l.steps;
    for (const [k, v] of Object.entries(l.s)) out[`layer${i}.s.${k}`] = Float64Array.from(v);
  });
  return out;
}

/** The optimizer states of `got` and `want` (optState) agree: the same update counts and state keys, values at rtol (atol 1e-14). */
function stateMismatches(got: EpyNN | Record<string, Float64Array | number>, want: EpyNN | Record<string, Float64Array | number>, rtol: number): string {
  const a = got instanceof EpyNN ? optState(got) : got;
  const b = want instanceof EpyNN ? optState(want) : want;
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  return Object.keys(b).map((k) => {
    const x = a[k];
    const y = b[k];
    if (typeof y === 'number') return x === y ? '' : `${k}: ${String(x)} vs ${y}`;
    const bad = mismatches(x as Float64Array, y, rtol, 1e-14);
    return bad === '' ? '' : `${k}: ${bad}`;
  }).filter((t) => t !== '').join('\n');
}

/** Every parameter of `got` equals `want`'s at rtol (atol 1e-12 for values near 0); '' when all do. */
function paramMismatches(got: EpyNN, want: EpyNN, rtol: number): string {
  const a = params(got);
  const b = params(want);
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  return Object.keys(b).map((k) => {
    const bad = mismatches(a[k], b[k], rtol, 1e-12);
    return bad === '' ? '' : `${k}: ${bad}`;
  }).filter((s) => s !== '').join('\n');
}

beforeAll(() => {
  const v = versions();
  console.log(`PyTorch interop: Python ${v.python}, torch ${v.torch}, onnx ${v.onnx} (${PYTHON})`);
});

describe('model.py predicts as epynn-ts (float64, rtol 1e-10)', () => {
  it('CNNs (padding, strides, max/mean/min pooling), Dense + Dropout (evaluation), RNN, LSTM, GRU, BatchNormalization (running statistics) and LayerNormalization after Convolution, Dense and GRU', () => {
    const models = Object.entries({ ...zoo, ...extra }).map(([name, make]) => [name, make()] as const);
    expect(models.map(([n]) => n)).toEqual(expect.arrayContaining(['conv_pad_strides_elu', 'cnn_pad_strides_max_min', 'dense_stack_softmax_T', 'rnn_stack', 'lstm_stack', 'gru_stack', 'conv_batchnorm', 'conv_layernorm', 'rnn_sequences_norm', 'dense_batchnorm_layernorm']));
    const dirs = models.map(([name, m]) => writePyTorch(m, join(tmp, `predict_${name}`)));
    const Xs = models.map(([, m], i) => samples(7, m.embedding.fs.X!.slice(1), 20 + i));
    const got = torchPredict(dirs, Xs);
    const bad = models.map(([name, m], i) => {
      const want = m.predict(Xs[i]).A!.data;
      const r = mismatches(got[i], want, 1e-10);
      return r === '' ? '' : `${name}: ${r}`;
    }).filter((s) => s !== '');
    expect(bad.join('\n')).toBe('');
  });
});

describe('train.py trains as epynn-ts (float64, rtol 1e-9)', () => {
  // One batch of all of dtrain (no batchSize): the batch order plays no part, so the runs compare
  const cases: Record<string, () => EpyNN> = {
    cnn_max_min_MSE: extra.cnn_pad_strides_max_min,
    cnn_mean_BCE: () => build('cnn_mean_BCE', [7, 6, 3], [new Convolution({ unitFilters: 4, filterSize: [3, 2], strides: [2, 1], padding: 1, activate: relu }), new Pooling({ poolSize: 2, pool: 'mean' }), new Flatten(), new Dense({ units: 2, activate: sigmoid })], { loss: 'BCE' }),
    dense_softmax_T_CCE: () => build('dense_softmax_T_CCE', [7], [new Dense({ units: 5, activate: tanh }), new Dense({ units: 3, activate: softmax })], { loss: 'CCE', labels: 3, hPars: { softmax_temperature: 2.5 } }),
    dense_MAE: () => build('dense_MAE', [4], [new Dense({ units: 3, activate: relu }), new Dense({ units: 2, activate: sigmoid })], { loss: 'MAE' }),
    dense_MSLE: () => build('dense_MSLE', [4], [new Dense({ units: 3, activate: tanh }), new Dense({ units: 2, activate: sigmoid })], { loss: 'MSLE' }),
    rnn_clipped: () => build('rnn_clipped', [5, 3], [new RNN({ unitCells: 4, sequences: true }), new RNN({ unitCells: 3, activate: relu }), new Dense({ units: 2, activate: softmax })], { hPars: { learning_rate: 2 } }),
    lstm: () => build('lstm', [6, 3], [new LSTM({ unitCells: 4, sequences: true }), new LSTM({ unitCells: 3, activateForget: tanh }), new Dense({ units: 2, activate: softmax })], { loss: 'CCE' }),
    gru_clipped: () => build('gru_clipped', [6, 3], [new GRU({ unitCells: 4, clipGradients: true, sequences: true }), new GRU({ unitCells: 3 }), new Dense({ units: 2, activate: softmax })], { hPars: { learning_rate: 3 } }),
    // batch statistics in training (after Convolution: per channel over m·h·w; after Dense), the running ones moved
    batchnorm_conv_dense: () => build('batchnorm_conv_dense', [6, 5, 2], [new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: relu }), new BatchNormalization({ momentum: 0.2, epsilon: 1e-3 }), new Flatten(), new Dense({ units: 4, activate: tanh }), new BatchNormalization({ center: false }), new BatchNormalization({ scale: false }), new Dense({ units: 2, activate: softmax })], { loss: 'CCE' }),
    batchnorm_frozen: () => {
      // trainable = false: γ, β and the running statistics stay (the batch statistics still normalize)
      const m = build('batchnorm_frozen', [6], [new Dense({ units: 4, activate: tanh }), new BatchNormalization(), new Dense({ units: 2, activate: softmax })]);
      m.layers[2].trainable = false;
      return m;
    },
    layernorm_conv_dense: () => build('layernorm_conv_dense', [5, 5, 2], [new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: tanh }), new LayerNormalization({ axis: [-3, -2, -1] }), new LayerNormalization({ center: false }), new Flatten(), new Dense({ units: 4, activate: relu }), new LayerNormalization({ scale: false, epsilon: 1e-3 }), new Dense({ units: 2, activate: softmax })]),
  };

  it('one step on the same batch gives the same parameters (each layer kind, each loss, gradient clipping, BatchNormalization running statistics)', () => {
    const runs = Object.entries(cases).map(([name, make]) => {
      const m = make();
      const dir = writePyTorch(m, join(tmp, `step_${name}`), { data: true });
      const before = Object.fromEntries(Object.entries(params(m)).map(([k, v]) => [k, Float64Array.from(v)]));
      m.train({ epochs: 1, quiet: true });
      return { name, m, before, dir };
    });
    // python3 <dir>/train.py --data <dir>/data.npz --epochs 1 --out <dir>/out, for every folder
    trainMany(runs.map((r) => [r.dir, join(r.dir, 'data.npz'), join(r.dir, 'out')]));
    const bad = runs.map(({ name, m, dir }) => {
      const r = paramMismatches(readPyTorch(join(dir, 'out')), m, 1e-9);
      return r === '' ? '' : `${name}:\n${r}`;
    }).filter((s) => s !== '');
    expect(bad.join('\n')).toBe('');
    for (const { name, m, before, dir } of runs) {
      // the step moved the parameters (a test of nothing would pass above too)
      const after = params(m);
      expect(Object.keys(before).some((k) => before[k].some((v, i) => v !== after[k][i])), name).toBe(true);
      expect(readPyTorch(join(dir, 'out')).epochsDone, name).toBe(1);
    }
  });

  it('continues where epynn-ts stopped: learning-rate schedules over the total epochs (exp_decay, lin_decay per layer); --dtype float32 close (rtol 1e-4)', () => {
    const own = defaultHPars({ learning_rate: 0.5, schedule: 'lin_decay', decay_k: 0.002 });
    const m = build('schedules', [6], [new Dense({ units: 4, activate: tanh, seHPars: own }), new Dense({ units: 2, activate: sigmoid })], { hPars: { learning_rate: 0.3, schedule: 'exp_decay', cycle_epochs: 2, cycle_descent: 0.2 } });
    m.train({ epochs: 1, quiet: true }); // decay_k written by the schedule, epochsDone 1
    const dir = writePyTorch(m, join(tmp, 'schedules'), { data: true });
    m.train({ epochs: 3, quiet: true });
    python([join(dir, 'train.py'), '--data', join(dir, 'data.npz'), '--epochs', '3', '--out', join(dir, 'out')]);
    const back = readPyTorch(join(dir, 'out'));
    expect(back.epochsDone).toBe(4);
    expect(paramMismatches(back, m, 1e-9)).toBe('');
    expect(back.layers[1].hPars.decay_k).toBe(m.layers[1].hPars.decay_k);
    // --dtype float32: the same training in single precision, close to the float64 run
    python([join(dir, 'train.py'), '--data', join(dir, 'data.npz'), '--epochs', '3', '--out', join(dir, 'out32'), '--dtype', 'float32']);
    const back32 = readPyTorch(join(dir, 'out32'));
    expect(paramMismatches(back32, m, 1e-4).replace(/\n/g, ' ')).toBe('');
    expect(paramMismatches(back32, m, 1e-9)).not.toBe(''); // it did run in float32
  });
});

describe('train.py continues with the model\'s optimizers and their state (float64, rtol 1e-9)', () => {
  // One batch of all of dtrain (no batchSize); the optimizers with their options beyond the defaults
  const cases: Record<string, () => EpyNN> = {
    sgd_momentum_nesterov_wd: () => build('sgd_momentum_nesterov_wd', [7], [new Dense({ units: 5, activate: tanh }), new Dense({ units: 3, activate: softmax })], { loss: 'CCE', labels: 3, optimizer: sgd({ momentum: 0.9, nesterov: true, weightDecay: 0.01 }), hPars: { learning_rate: 0.05 } }),
    sgd_momentum_lr_scale: () => {
      const m = build('sgd_momentum_lr_scale', [5], [new Dense({ units: 4, activate: relu }), new Dense({ units: 2, activate: sigmoid })], { optimizer: sgd({ momentum: 0.8 }), hPars: { learning_rate: 0.2 } });
      // as reduceLROnPlateau leaves it: rates scaled by 0.25, not below 0.1
      m.lrScale = 0.25;
      m.lrFloor = 0.1;
      return m;
    },
    adam_conv_batchnorm: () =>
      build('adam_conv_batchnorm', [6, 5, 2], [new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, useBias: false, activate: relu }), new BatchNormalization({ momentum: 0.2 }), new Flatten(), new Dense({ units: 4, activate: tanh }), new BatchNormalization(), new Dense({ units: 2, activate: softmax })], { loss: 'CCE', optimizer: adam({ weightDecay: 0.01 }), hPars: { learning_rate: 0.01, schedule: 'exp_decay', cycle_epochs: 1, cycle_descent: 0.3 } }),
    adamw_amsgrad_layernorm: () =>
      build('adamw_amsgrad_layernorm', [6], [new Dense({ units: 5, activate: relu }), new LayerNormalization(), new Dense({ units: 2, activate: sigmoid })], { loss: 'BCE', optimizer: adamw({ amsgrad: true, weightDecay: 0.05, beta1: 0.8, epsilon: 1e-6 }), hPars: { learning_rate: 0.02 } }),
    rmsprop_centered_momentum_lstm: () =>
      build('rmsprop_centered_momentum_lstm', [5, 3], [new LSTM({ unitCells: 4 }), new Dense({ units: 2, activate: softmax })], { optimizer: rmsprop({ centered: true, momentum: 0.5, weightDecay: 0.001, alpha: 0.9 }), hPars: { learning_rate: 0.01 } }),
    rmsprop: () => build('rmsprop', [6], [new Dense({ units: 4, activate: tanh }), new Dense({ units: 2, activate: softmax })], { optimizer: rmsprop(), hPars: { learning_rate: 0.01 } }),
    adagrad_conv_nobias: () =>
      build('adagrad_conv_nobias', [6, 6, 1], [new Convolution({ unitFilters: 2, filterSize: 2, useBias: false, activate: tanh }), new Flatten(), new Dense({ units: 2, activate: softmax })], { optimizer: adagrad({ lrDecay: 0.1, initialAccumulatorValue: 0.1, weightDecay: 0.01 }), hPars: { learning_rate: 0.1 } }),
    per_layer_clipnorm_clipvalue: () => {
      // a layer with its own optimizer and learning rate schedule, the model's Adam, and both global clippings
      const own = new Dense({ units: 4, activate: tanh, seHPars: defaultHPars({ learning_rate: 0.3, schedule: 'lin_decay', decay_k: 0.01 }) });
      own.optimizer = sgd({ momentum: 0.9 });
      return build('per_layer_clipnorm_clipvalue', [5, 3], [new RNN({ unitCells: 3, sequences: true }), new Flatten(), own, new Dense({ units: 2, activate: softmax })], { loss: 'CCE', optimizer: adam(), clipValue: 0.3, clipNorm: 0.4, hPars: { learning_rate: 0.05 } });
    },
  };

  it('one train.py step = one epynn-ts step (parameters, running statistics, optimizer state, update counts); a second from the state train.py wrote; epynn-ts continues from the state read back', () => {
    const runs = Object.entries(cases).map(([name, make]) => {
      const m = make();
      const dir = writePyTorch(m, join(tmp, `opt_${name}`), { data: true });
      m.train({ epochs: 1, quiet: true });
      const one = { params: structuredClone(params(m)), state: optState(m) };
      return { name, m, dir, one };
    });
    // step 1: from the export (zero state); step 2: from the folder train.py wrote (its optimizer.npz)
    trainMany(runs.map((r) => [r.dir, join(r.dir, 'data.npz'), join(r.dir, 'out1')]));
    trainMany(runs.map((r) => [join(r.dir, 'out1'), join(r.dir, 'data.npz'), join(r.dir, 'out2')]));
    const bad: string[] = [];
    for (const { name, m, dir, one } of runs) {
      const back1 = readPyTorch(join(dir, 'out1'));
      const p1 = Object.keys(one.params).map((k) => mismatches(params(back1)[k], one.params[k], 1e-9, 1e-12)).filter((t) => t !== '').join('; ');
      const s1 = stateMismatches(back1, one.state, 1e-9);
      m.train({ epochs: 1, quiet: true }); // the second epynn-ts step
      const back2 = readPyTorch(join(dir, 'out2'));
      const p2 = paramMismatches(back2, m, 1e-9);
      const s2 = stateMismatches(back2, m, 1e-9);
      // epynn-ts continues from the state read back from train.py's first step
      back1.setData(trainData(m.embedding.fs.X!.slice(1), { labels: m.embedding.labelColumns, n: 24 }));
      back1.train({ epochs: 1, quiet: true });
      const p3 = paramMismatches(back1, m, 1e-9);
      const s3 = stateMismatches(back1, m, 1e-9);
      const r = [['step 1 parameters', p1], ['step 1 state', s1], ['step 2 parameters', p2], ['step 2 state', s2], ['epynn-ts step 2 from train.py state: parameters', p3], ['state', s3]].filter(([, t]) => t !== '');
      if (r.length > 0) bad.push(`${name}: ${r.map(([w, t]) => `${w}: ${t}`).join('\n  ')}`);
      // the state is there and moved (a test of nothing would pass above too)
      const st = optState(m);
      const arrays = Object.values(st).filter((v): v is Float64Array => typeof v !== 'number');
      expect(arrays.length, name).toBeGreaterThan(0);
      expect(arrays.some((a) => a.some((v) => v !== 0)), name).toBe(true);
      expect(Object.entries(st).filter(([k]) => k.endsWith('.steps')).every(([, v]) => v === 2), name).toBe(true);
    }
    expect(bad.join('\n')).toBe('');
  });
});

describe('torchrun data-parallel training', () => {
  it('2 processes (gloo) for 3 epochs = one process with the same global batches; readPyTorch predicts as PyTorch', () => {
    // 24 samples -> dtrain 16, batch 8: 2 global batches of 4 + 4 samples per process each epoch
    const m = build('ddp_cnn', [6, 6, 2], [new Convolution({ unitFilters: 3, filterSize: 2, padding: 1, strides: 2, activate: relu }), new Pooling({ poolSize: 2, pool: 'max' }), new Flatten(), new Dense({ units: 2, activate: softmax })], { loss: 'CCE', batchSize: 8, hPars: { learning_rate: 0.5 } });
    const dir = writePyTorch(m, join(tmp, 'ddp'), { data: true });
    const args = [join(dir, 'train.py'), '--data', join(dir, 'data.npz'), '--epochs', '3'];
    python([...args, '--out', join(dir, 'single')]);
    // --redirects/--tee with a local rank that does not exist: no redirection, and past the
    // torch 1.13 + Python 3.11 bug of the defaults ('0' parses to None); docs/OUTGROW.md
    command(PYTHON, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2', '--redirects', '9:1', '--tee', '9:1', ...args, '--out', join(dir, 'ddp'), '--ddp'], { cwd: tmp });
    const single = readPyTorch(join(dir, 'single'));
    const ddp = readPyTorch(join(dir, 'ddp'));
    expect(paramMismatches(ddp, single, 1e-9)).toBe('');
    expect(paramMismatches(ddp, m, 1e-3)).not.toBe(''); // trained away from the export
    const side = JSON.parse(readFileSync(join(dir, 'ddp', 'epynn.json'), 'utf8'));
    expect(side.training.history.at(-1)).toMatchObject({ epochs: 3, processes: 2 });
    expect(ddp.epochsDone).toBe(3);
    const X = m.embedding.dval.X;
    const [got] = torchPredict([join(dir, 'ddp')], [X]);
    expect(mismatches(ddp.predict(X).A!.data, got, 1e-10)).toBe('');
  });

  it('BatchNormalization (statistics of the global batch) and LayerNormalization with Adam and clipNorm: 2 processes = one process (parameters, running statistics, optimizer state)', () => {
    const m = build('ddp_norm', [5, 5, 2], [
      new Convolution({ unitFilters: 3, filterSize: 2, strides: 1, activate: relu }), new BatchNormalization({ momentum: 0.3 }), new Flatten(),
      // (no LayerNormalization right before a BatchNormalization: the gradient of its β would be 0 up to rounding, which Adam scales up)
      new Dense({ units: 4, activate: tanh }), new BatchNormalization(), new Dense({ units: 3, activate: relu }), new LayerNormalization(), new Dense({ units: 2, activate: softmax }),
    ], { loss: 'CCE', batchSize: 8, optimizer: adam(), clipNorm: 1, hPars: { learning_rate: 0.02 } });
    const dir = writePyTorch(m, join(tmp, 'ddp_norm'), { data: true });
    const args = [join(dir, 'train.py'), '--data', join(dir, 'data.npz'), '--epochs', '2'];
    python([...args, '--out', join(dir, 'single')]);
    command(PYTHON, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2', '--redirects', '9:1', '--tee', '9:1', ...args, '--out', join(dir, 'ddp'), '--ddp'], { cwd: tmp });
    const single = readPyTorch(join(dir, 'single'));
    const ddp = readPyTorch(join(dir, 'ddp'));
    expect(paramMismatches(ddp, single, 1e-9)).toBe('');
    expect(stateMismatches(ddp, single, 1e-9)).toBe('');
    expect(ddp.layers[2].steps).toBe(4); // 2 epochs of 2 global batches
    expect(paramMismatches(ddp, m, 1e-3)).not.toBe(''); // trained away from the export (running statistics included)
    const X = m.embedding.dval.X;
    const [got] = torchPredict([join(dir, 'ddp')], [X]);
    expect(mismatches(ddp.predict(X).A!.data, got, 1e-10)).toBe('');
  });
});
