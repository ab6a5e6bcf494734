// PyTorch export without Python (PyTorch itself checks it in interop/tests/pytorch.test.ts): the
// NPY/NPZ writer and reader against files NumPy wrote (tests/fixtures/pytorch/make_npz.py), the
// folder's contents, refusals, the way back (fromPyTorch/readPyTorch), the atomic folder writer and
// `epynn export --format pytorch`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { type Activation, relu, softmax, lrelu } from '../../src/activation/functions.js';
import { EpyNNError, FileWriteError, ModelFileError } from '../../src/errors.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { Dense } from '../../src/dense/models.js';
import { Dropout } from '../../src/dropout/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { Flatten } from '../../src/flatten/models.js';
import { decodeNpy, decodeNpz, encodeNpy, encodeNpz } from '../../src/io/npy.js';
import { PYTORCH_FILES, type PyTorchSidecar, fromPyTorch, toPyTorch } from '../../src/io/pytorch.js';
import { EpyNN } from '../../src/network/models.js';
import { BatchNormalization, LayerNormalization, type Optimizer, adagrad, adam, adamw, rmsprop, sgd, tanh } from '../../src/index.js';
import { readPyTorch, writeFolderAtomic, writePyTorch } from '../../src/node/pytorch.js';
import { Pooling } from '../../src/pooling/models.js';
import { Convolution } from '../../src/convolution/models.js';
import { build, samples, zoo } from './export_models.js';

const FIX = resolve(import.meta.dirname, '..', 'fixtures', 'pytorch');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIX, name)));
const A = new NDArray(Float64Array.from({ length: 6 }, (_, i) => i / 7 - 0.25), [2, 3]); // make_npz.py's a

describe('NPY / NPZ', () => {
  it("encodeNpy writes numpy.save's bytes exactly", () => {
    expect(encodeNpy(A)).toEqual(fixture('a.npy'));
  });

  it('decodeNpz reads numpy.savez (ZIP64 extras, float32, a 0-d array) and its own output', () => {
    const z = decodeNpz(fixture('arrays.npz'), 'test');
    expect(Object.keys(z).sort()).toEqual(['b', 'c32', 'layer1.W', 'scalar']);
    expect(z['layer1.W'].shape).toEqual([2, 3]);
    expect([...z['layer1.W'].data]).toEqual([...A.data]);
    expect([...z.b.data]).toEqual([1.5, -2.25, 1e-300]);
    expect(z.c32.shape).toEqual([1, 2]);
    expect([...z.c32.data]).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    expect(z.scalar.shape).toEqual([]);
    expect([...z.scalar.data]).toEqual([3.5]);
    const back = decodeNpz(encodeNpz({ x: A, 'layer2.b': new NDArray(Float64Array.of(-0, Infinity, NaN), [1, 3]) }), 'test');
    expect([...back.x.data]).toEqual([...A.data]);
    expect(back['layer2.b'].shape).toEqual([1, 3]);
    expect(Object.is(back['layer2.b'].data[0], -0)).toBe(true);
    expect(back['layer2.b'].data[2]).toBeNaN();
  });

  it('refuses compressed members, other dtypes, corrupted bytes and non-zip input, naming the file', () => {
    expect(() => decodeNpz(fixture('compressed.npz'), 'readPyTorch: w.npz')).toThrow(/readPyTorch: w\.npz: member a\.npy is compressed \(method 8\); save with numpy\.savez/);
    expect(() => decodeNpy(fixture('int.npy'), 'x.npy')).toThrow(/x\.npy: dtype '<i8' is not read; expected float64/);
    const bytes = encodeNpz({ x: A });
    bytes[100] ^= 1;
    expect(() => decodeNpz(bytes, 'w.npz')).toThrow(/w\.npz: member x\.npy fails its CRC-32 check/);
    expect(() => decodeNpz(new Uint8Array(50), 'w.npz')).toThrow(/w\.npz: not an \.npz file/);
    expect(() => decodeNpy(new Uint8Array(20), 'x.npy')).toThrow(EpyNNError);
    const short = encodeNpy(A).slice(0, 140);
    expect(() => decodeNpy(short, 'x.npy')).toThrow(/x\.npy: array \(2, 3\) needs 48 bytes of data, the file holds 12/);
  });
});

describe('toPyTorch', () => {
  it('writes model.py layer by layer with EpyNN names, weights.npz under layer<i>.<name>, train.py, README.md, epynn.json', () => {
    const m = zoo.conv_default_strides_nobias_lrelu();
    const files = toPyTorch(m);
    expect(Object.keys(files).sort()).toEqual(['README.md', 'epynn.json', 'model.py', 'optimizer.npz', 'train.py', 'weights.npz']);
    const py = files['model.py'] as string;
    expect(py).toContain('# EpyNN layer 1: Convolution(unitFilters=2, filterSize=[2,2]');
    expect(py).toContain("self.layer1 = Convolution(fh=2, fw=2, d=1, u=2, strides=(2, 2), padding=0, use_bias=False, activate=activation('lrelu', alpha=0.2))");
    expect(py).toContain("self.layer2 = Pooling(pool_size=(2, 2), strides=(1, 1), pool='max')");
    expect(py).toContain("self.layer4 = Dense(n=18, u=2, activate=activation('tanh'))");
    const w = decodeNpz(files['weights.npz'] as Uint8Array, 'test');
    expect(Object.keys(w)).toEqual(['layer1.W', 'layer1.b', 'layer4.W', 'layer4.b']);
    expect([...w['layer4.W'].data]).toEqual([...m.layers[4].p.W.data]);
    expect(w['layer4.b'].shape).toEqual([1, 2]);
    const side = JSON.parse(files['epynn.json'] as string) as PyTorchSidecar;
    expect(side.format).toBe('epynn-ts/pytorch');
    expect(side.version).toBe(2);
    expect(side.training).toMatchObject({ loss: 'MSE', batchSize: 8, epochsDone: 0, optimizer: 'per-layer', clipNorm: null, clipValue: null });
    expect(side.training.layers.map((l) => [l.index, l.name, l.params, l.optimized])).toEqual([[1, 'Convolution', ['W'], ['W', 'b']], [2, 'Pooling', [], []], [3, 'Flatten', [], []], [4, 'Dense', ['W', 'b'], ['W', 'b']]]);
    expect(side.training.layers[0]).toMatchObject({ optimizer: { name: 'epynn_sgd', config: {}, slots: [] }, steps: 0 });
    expect(decodeNpz(files['optimizer.npz'] as Uint8Array, 'test')).toEqual({}); // EpyNN's SGD keeps no state
    expect(side.epynn.layers.every((l) => Object.keys(l.params).length === 0)).toBe(true); // weights only in weights.npz
    expect(files['train.py']).toContain('def loss_derivative(name, Y, A):');
  });

  it("README.md's torchrun command is the one that runs with PyTorch 1.13 on Python 3.11 (--redirects 9:1 --tee 9:1)", () => {
    const readme = toPyTorch(zoo.conv_default_strides_nobias_lrelu())['README.md'] as string;
    const commands = readme.split('\n').filter((l) => /^(python3|torchrun) /.test(l));
    expect(commands).toEqual([
      'python3 train.py --data data.npz --epochs 2 --out trained/',
      'torchrun --standalone --nproc_per_node 2 --redirects 9:1 --tee 9:1 train.py --data data.npz --epochs 2 --out trained/ --ddp',
    ]);
  });

  it('keeps softmax temperature in the activation (not folded into W) and writes the RNN clipping flag', () => {
    const d = toPyTorch(zoo.dense_stack_softmax_T());
    expect(d['model.py']).toContain("activation('softmax', temperature=2.5)");
    expect(d['model.py']).toContain('Dropout(drop_prob=0.3)');
    const r = JSON.parse(toPyTorch(zoo.rnn_stack())['epynn.json'] as string) as PyTorchSidecar;
    expect(r.training.layers.slice(0, 3).map((l) => l.clipGradients)).toEqual([true, true, true]);
  });

  it('{ data: true } adds data.npz with dtrain as X and Y (one-hot)', () => {
    const m = zoo.dense_identity_relu();
    const z = decodeNpz(toPyTorch(m, { data: true })['data.npz'] as Uint8Array, 'test');
    expect(z.X.shape).toEqual(m.embedding.dtrain.X.shape);
    expect([...z.X.data]).toEqual([...m.embedding.dtrain.X.data]);
    expect([...z.Y.data]).toEqual([...m.embedding.dtrain.Y!.data]);
    expect(z.Y.shape[1]).toBe(2);
  });

  it('refuses what it cannot express, naming the layer', () => {
    const custom: Activation = (x) => x.copy();
    Object.defineProperty(custom, 'name', { value: 'mine' });
    const cases: [() => EpyNN, RegExp][] = [
      [() => build('c', [4], [new Dense({ units: 2, activate: custom })]), /toPyTorch: layer 1 \(Dense\): activate 'mine' is a custom activation with no PyTorch form/],
      [() => build('l', [4], [new Dense({ units: 2, activate: lrelu })], { hPars: { LRELU_alpha: 2 } }), /toPyTorch: layer 1 \(Dense\): activate lrelu with LRELU_alpha = 2/],
      [() => build('s', [4, 4, 1], [new Convolution({ unitFilters: 2, filterSize: 2, activate: relu }), new Flatten(), new Dense({ units: 2 })]), /^$/],
      [() => build('d', [4], [new Dense({ units: 3 }), new Dropout({ dropProb: 0.2, axis: [1] }), new Dense({ units: 2 })]), /toPyTorch: layer 2 \(Dropout\): Dropout with axis \[1\]/],
    ];
    for (const [make, re] of cases) {
      if (re.source === '^$') expect(() => toPyTorch(make())).not.toThrow();
      else expect(() => toPyTorch(make())).toThrow(re);
    }
    const compat = new EpyNN([new Embedding({ XData: samples(12, [4], 1), YData: Array.from({ length: 12 }, (_, i) => i % 2), YEncode: true }), new Dense({ units: 3 }), new Dropout({ dropProb: 0.2 }), new Dense({ units: 2, activate: softmax })], 'compat');
    compat.initialize({ loss: 'MSE', seed: 1, compat: 'epynn', quiet: true });
    expect(() => toPyTorch(compat)).toThrow(/toPyTorch: layer 2 \(Dropout\): in compat: 'epynn' mode Dropout stays active at predict/);
    const fresh = new EpyNN([new Embedding({ XData: samples(12, [4], 1), YData: Array.from({ length: 12 }, (_, i) => i % 2), YEncode: true }), new Dense({ units: 2 })], 'fresh');
    expect(() => toPyTorch(fresh)).toThrow(/toPyTorch: the model 'fresh' is not initialized/);
    expect(() => toPyTorch(zoo.dense_identity_relu(), { data: 1 as unknown as boolean })).toThrow(/toPyTorch: data must be a boolean, got 1/);
    expect(() => toPyTorch(zoo.dense_identity_relu(), { dat: true } as never)).toThrow(EpyNNError);
    expect(() => toPyTorch({} as EpyNN)).toThrow(/toPyTorch: expected an EpyNN model/);
    // train.py implements the library's optimizers only: one of your own is refused by name (on a layer with parameters)
    const data = { XData: samples(12, [4], 1), YData: Array.from({ length: 12 }, (_, i) => i % 2) };
    const halving: Optimizer = { name: 'halving_sgd', slots: 0, epynn: false, config: {}, update: ({ p, g, lr }) => p.forEach((v, i) => (p[i] = v - 0.5 * lr * g[i])) };
    const mine = new EpyNN([new Embedding({ ...data, YEncode: true }), new Flatten(), new Dense({ units: 2 })], 'mine');
    mine.initialize({ loss: 'MSE', seed: 1, quiet: true, optimizer: halving });
    expect(() => toPyTorch(mine)).toThrow(/toPyTorch: layer 2 \(Dense\): optimizer 'halving_sgd' has no update in train\.py \(exportable: epynn_sgd, sgd, adam, adamw, rmsprop, adagrad\)/);
  });
});

describe('toPyTorch: optimizers, clipping, normalization layers', () => {
  const data = { XData: samples(16, [5], 2), YData: Array.from({ length: 16 }, (_, i) => i % 2) };
  /** Dense - LayerNormalization - Dense - BatchNormalization - Dense with a model optimizer, the first Dense with its own; trained 2 epochs (state and running statistics moved). */
  function normModel(optimizer: Optimizer, own: Optimizer = sgd({ momentum: 0.9, nesterov: true })): EpyNN {
    const first = new Dense({ units: 4, activate: tanh });
    first.optimizer = own;
    const m = new EpyNN([new Embedding({ ...data, YEncode: true, batchSize: 4 }), first, new LayerNormalization(), new Dense({ units: 3, activate: relu }), new BatchNormalization({ momentum: 0.2 }), new Dense({ units: 2, activate: softmax })], 'norm');
    m.initialize({ loss: 'CCE', seed: 3, quiet: true, optimizer, clipNorm: 2, clipValue: 0.5 });
    return m.train({ epochs: 2, quiet: true });
  }

  it('writes the optimizers (own and model), their update counts and the clipping into epynn.json, their state into optimizer.npz (torch.optim slot names, parameter shapes)', () => {
    const m = normModel(adam({ amsgrad: true, weightDecay: 0.01 }));
    const f = toPyTorch(m);
    const side = JSON.parse(f['epynn.json'] as string) as PyTorchSidecar;
    expect(side.training).toMatchObject({ clipNorm: 2, clipValue: 0.5, optimizer: 'per-layer' });
    const L = side.training.layers;
    const steps = 2 * Math.floor(m.embedding.dtrain.X.shape[0] / 4); // 2 epochs of batches of 4
    expect(steps).toBeGreaterThan(0);
    expect(L[0]).toMatchObject({ name: 'Dense', optimizer: { name: 'sgd', config: { momentum: 0.9, nesterov: true, weightDecay: 0 }, slots: ['momentum_buffer'] }, steps });
    expect(L[1]).toMatchObject({ name: 'LayerNormalization', params: ['gamma', 'beta'], optimizer: { name: 'adam', slots: ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] }, steps });
    expect(L[3]).toMatchObject({ name: 'BatchNormalization', params: ['gamma', 'beta'], optimized: ['gamma', 'beta'] }); // running mean and var: no optimizer, no state
    expect(side.epynn.layers.every((l, i) => i === 0 || l.optimizerState === null)).toBe(true); // the state is in optimizer.npz only
    const st = decodeNpz(f['optimizer.npz'] as Uint8Array, 'test');
    expect(Object.keys(st)).toEqual([
      'layer1.W.momentum_buffer', 'layer1.b.momentum_buffer',
      ...['layer2.gamma', 'layer2.beta', 'layer3.W', 'layer3.b', 'layer4.gamma', 'layer4.beta', 'layer5.W', 'layer5.b'].flatMap((k) => ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'].map((s) => `${k}.${s}`)),
    ]);
    const n = m.layers[3].p.W.data.length;
    expect(st['layer3.W.exp_avg_sq'].shape).toEqual([5 - 1, 3]);
    expect([...st['layer3.W.exp_avg_sq'].data]).toEqual([...m.layers[3].s.W.slice(n, 2 * n)]);
    expect([...st['layer5.b.max_exp_avg_sq'].data]).toEqual([...m.layers[5].s.b.slice(4, 6)]);
    expect(st['layer3.W.exp_avg_sq'].data.some((v) => v !== 0)).toBe(true);
    // BatchNormalization's running statistics are buffers of the module, in weights.npz
    const w = decodeNpz(f['weights.npz'] as Uint8Array, 'test');
    expect([...w['layer4.var'].data]).toEqual([...m.layers[4].p.var.data]);
    expect(m.layers[4].p.var.data.some((v) => v !== 1)).toBe(true);
    const py = f['model.py'] as string;
    expect(py).toContain('self.layer2 = LayerNormalization(shape=(4,), epsilon=0.00001, center=True, scale=True)');
    expect(py).toContain('self.layer4 = BatchNormalization(n=3, momentum=0.2, epsilon=0.00001, center=True, scale=True)');
    const train = f['train.py'] as string;
    for (const branch of ["if name == 'epynn_sgd':", "if name == 'sgd':", "elif name in ('adam', 'adamw'):", "elif name == 'rmsprop':", "elif name == 'adagrad':"]) expect(train).toContain(branch);
    expect(train).toContain('def clip_global(grads, clip_value, clip_norm):');
    expect(train).toContain('module.group = dist.group.WORLD');
  });

  it('writes LayerNormalization over (h, w, d) and BatchNormalization after Convolution (channels last)', () => {
    const py = toPyTorch(zoo.conv_layernorm())['model.py'] as string;
    expect(py).toContain('self.layer2 = LayerNormalization(shape=(4, 4, 3), epsilon=0.00001, center=True, scale=True)');
    expect(py).toContain('self.layer3 = LayerNormalization(shape=(3,), epsilon=0.00001, center=False, scale=True)');
    const bn = toPyTorch(zoo.conv_batchnorm())['model.py'] as string;
    expect(bn).toContain('self.layer2 = BatchNormalization(n=3, momentum=0.2, epsilon=0.001, center=True, scale=True)');
    expect(bn).toContain('self.layer7 = BatchNormalization(n=4, momentum=0.1, epsilon=0.00001, center=True, scale=False)');
  });

  it('round trip keeps every optimizer\'s state, update counts, running statistics and clipping: training continues bit for bit', () => {
    const opts: [string, () => Optimizer][] = [
      ['sgd', () => sgd({ momentum: 0.5, weightDecay: 0.01 })], ['adam', () => adam()], ['adamw', () => adamw({ amsgrad: true })],
      ['rmsprop', () => rmsprop({ centered: true, momentum: 0.3 })], ['adagrad', () => adagrad({ lrDecay: 0.01, initialAccumulatorValue: 0.2 })],
    ];
    for (const [name, make] of opts) {
      const m = normModel(make(), make());
      const f = toPyTorch(m);
      const back = fromPyTorch(f['epynn.json'] as string, f['weights.npz'] as Uint8Array, 'fromPyTorch', f['optimizer.npz'] as Uint8Array);
      expect(back.clipNorm, name).toBe(2);
      expect(back.clipValue, name).toBe(0.5);
      back.layers.forEach((l, i) => {
        expect(l.optimizer.name, `${name} layer ${i}`).toBe(m.layers[i].optimizer.name);
        expect(l.steps, `${name} layer ${i}`).toBe(m.layers[i].steps);
        expect(Object.keys(l.s).sort(), `${name} layer ${i}`).toEqual(Object.keys(m.layers[i].s).sort());
        for (const k of Object.keys(l.s)) expect([...l.s[k]], `${name} layer ${i} ${k}`).toEqual([...m.layers[i].s[k]]);
        for (const k of Object.keys(l.p)) expect([...l.p[k].data], `${name} layer ${i} ${k}`).toEqual([...m.layers[i].p[k].data]);
      });
      m.train({ epochs: 1, quiet: true });
      back.train({ epochs: 1, quiet: true, data });
      back.layers.forEach((l, i) => {
        for (const k of Object.keys(l.p)) expect([...l.p[k].data], `${name}: continued, layer ${i} ${k}`).toEqual([...m.layers[i].p[k].data]);
      });
    }
  });

  it('the way back refuses a missing, misshapen, extra or foreign optimizer state, naming it', () => {
    const m = normModel(adam());
    const f = toPyTorch(m);
    const side = f['epynn.json'] as string;
    const w = f['weights.npz'] as Uint8Array;
    const st = decodeNpz(f['optimizer.npz'] as Uint8Array, 'test');
    expect(() => fromPyTorch(side, w)).toThrow(/fromPyTorch: the folder's optimizers keep state, but optimizer\.npz is missing/);
    const { 'layer3.W.exp_avg': _gone, ...missing } = st;
    expect(() => fromPyTorch(side, w, 'x', encodeNpz(missing))).toThrow(/x: optimizer\.npz has no layer3\.W\.exp_avg \(the 'adam' state of W\)/);
    expect(() => fromPyTorch(side, w, 'x', encodeNpz({ ...st, 'layer3.W.exp_avg': A }))).toThrow(/x: optimizer\.npz: layer3\.W\.exp_avg has shape \(2, 3\), the parameter \(4, 3\)/);
    expect(() => fromPyTorch(side, w, 'x', encodeNpz({ ...st, 'layer9.W.sum': A }))).toThrow(/x: optimizer\.npz holds arrays for no optimizer state of the model: layer9\.W\.sum/);
    const nan = new NDArray(st['layer2.beta.exp_avg'].data.map(() => NaN), st['layer2.beta.exp_avg'].shape);
    expect(() => fromPyTorch(side, w, 'x', encodeNpz({ ...st, 'layer2.beta.exp_avg': nan }))).toThrow(/layer2\.beta\.exp_avg holds NaN or infinite values/);
    const foreign = JSON.parse(side) as PyTorchSidecar;
    foreign.training.layers[1].optimizer.name = 'rmsprop';
    expect(() => fromPyTorch(foreign, w, 'x', f['optimizer.npz'] as Uint8Array)).toThrow(/x: training\.layers\[2\] \(LayerNormalization\): the sidecar's optimizer 'rmsprop' is not the model's 'adam'/);
    const noSteps = JSON.parse(side) as PyTorchSidecar;
    delete (noSteps.training.layers[0] as Partial<typeof noSteps.training.layers[0]>).steps;
    expect(() => fromPyTorch(noSteps, w, 'x', f['optimizer.npz'] as Uint8Array)).toThrow(/x: training\.layers\[1\] \(Dense\): version 2 needs optimizer \{ name, config, slots \}, optimized and a non-negative integer steps/);
  });

  it('reads a version-1 folder (EpyNN\'s SGD, no optimizer.npz)', () => {
    const m = zoo.dense_identity_relu();
    const f = toPyTorch(m);
    const v1 = JSON.parse(f['epynn.json'] as string) as PyTorchSidecar;
    v1.version = 1;
    v1.training.optimizer = 'sgd';
    for (const l of v1.training.layers) for (const k of ['optimizer', 'optimized', 'steps'] as const) delete (l as Partial<typeof l>)[k];
    const X = samples(3, [4], 1);
    expect([...fromPyTorch(v1, f['weights.npz'] as Uint8Array).predict(X).A!.data]).toEqual([...m.predict(X).A!.data]);
    v1.version = 3;
    expect(() => fromPyTorch(v1, f['weights.npz'] as Uint8Array)).toThrow(/unsupported sidecar version 3; this epynn-ts reads versions 1 to 2/);
  });
});

describe('fromPyTorch / readPyTorch', () => {
  it('every zoo model (normalization layers included) comes back predicting bit for bit as exported', () => {
    let checked = 0;
    for (const [name, make] of Object.entries(zoo)) {
      const m = make();
      checked++;
      const f = toPyTorch(m);
      const back = fromPyTorch(f['epynn.json'] as string, f['weights.npz'] as Uint8Array);
      const X = samples(4, m.embedding.fs.X!.slice(1), 9);
      expect([...back.predict(X).A!.data], name).toEqual([...m.predict(X).A!.data]);
    }
    expect(checked).toBeGreaterThanOrEqual(14);
  });

  it('reads the epochs and the schedule that train.py recorded, and continues training in epynn-ts', () => {
    const m = zoo.dense_identity_relu();
    const f = toPyTorch(m);
    const side = JSON.parse(f['epynn.json'] as string) as PyTorchSidecar;
    side.training.epochsDone = 5;
    for (const l of side.training.layers) Object.assign(l.hPars, { decay_k: 0.5, epochs: 5, cycle_number: 1 });
    const back = fromPyTorch(side, f['weights.npz'] as Uint8Array);
    expect(back.epochsDone).toBe(5);
    expect(back.layers[1].hPars.decay_k).toBe(0.5);
    back.train({ epochs: 1, quiet: true, data: { XData: samples(12, [4], 3), YData: Array.from({ length: 12 }, (_, i) => i % 2) } });
    expect(back.epochsDone).toBe(6);
    expect(back.layers[1].lrate.length).toBe(6); // the schedule over all epochs, as a second train() call computes it
  });

  it('refuses a foreign sidecar and weights that do not fit the architecture', () => {
    const f = toPyTorch(zoo.dense_identity_relu());
    const side = f['epynn.json'] as string;
    const w = decodeNpz(f['weights.npz'] as Uint8Array, 'test');
    expect(() => fromPyTorch('{"format":"other"}', f['weights.npz'] as Uint8Array)).toThrow(ModelFileError);
    expect(() => fromPyTorch('nope', f['weights.npz'] as Uint8Array)).toThrow(/fromPyTorch: epynn\.json is not JSON/);
    expect(() => fromPyTorch(side, encodeNpz({ ...w, 'layer9.W': A }))).toThrow(/arrays for no layer of the model: layer9\.W/);
    expect(() => fromPyTorch(side, encodeNpz({ ...w, extra: A }))).toThrow(/holds 'extra', not a layer<i>\.<parameter> array/);
    const { 'layer1.b': _b, ...missing } = w;
    expect(() => fromPyTorch(side, encodeNpz(missing))).toThrow(/parameter b is missing/);
    expect(() => fromPyTorch(side, encodeNpz({ ...w, 'layer1.W': A }))).toThrow(/parameter W has shape \(2, 3\) but the architecture needs \(4, 3\)/);
    const nan = new NDArray(w['layer2.b'].data.map(() => NaN), w['layer2.b'].shape);
    expect(() => fromPyTorch(side, encodeNpz({ ...w, 'layer2.b': nan }))).toThrow(/fromPyTorch: layer 2 \(Dense\): parameter b: .*finite/);
  });
});

describe('writePyTorch / writeFolderAtomic', () => {
  it('writes the folder and replaces an existing one as a whole (no stale file left, no temporary left)', () => {
    const parent = mkdtempSync(join(tmpdir(), 'epynn-pytorch-'));
    const dir = join(parent, 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'stale.txt'), 'old');
    const m = zoo.gru_stack();
    expect(writePyTorch(m, dir, { data: true })).toBe(resolve(dir));
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'data.npz', 'epynn.json', 'model.py', 'optimizer.npz', 'train.py', 'weights.npz']);
    expect(readdirSync(parent)).toEqual(['out']);
    const X = samples(3, [6, 3], 4);
    expect([...readPyTorch(dir).predict(X).A!.data]).toEqual([...m.predict(X).A!.data]);
    expect(new Uint8Array(readFileSync(join(dir, PYTORCH_FILES.weights)))).toEqual(toPyTorch(m)['weights.npz']);
  });

  it('typed errors: a file in the way, a bad name, options, a missing folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'epynn-pytorch-'));
    writeFileSync(join(parent, 'file'), 'x');
    expect(() => writePyTorch(zoo.dense_identity_relu(), join(parent, 'file'))).toThrow(FileWriteError);
    expect(readFileSync(join(parent, 'file'), 'utf8')).toBe('x');
    expect(() => writeFolderAtomic(join(parent, 'f'), { '../x': 'y' })).toThrow(/file name "\.\.\/x" must be a plain name/);
    expect(existsSync(join(parent, 'f'))).toBe(false);
    expect(readdirSync(parent)).toEqual(['file']);
    expect(() => writePyTorch(zoo.dense_identity_relu(), '')).toThrow(/writePyTorch: dir must be a folder path/);
    expect(() => writePyTorch(zoo.dense_identity_relu(), join(parent, 'g'), { date: true } as never)).toThrow(EpyNNError);
    expect(() => readPyTorch(join(parent, 'missing'))).toThrow(/readPyTorch: no such file: .*missing.*epynn\.json/);
    mkdirSync(join(parent, 'real'));
    symlinkSync(join(parent, 'real'), join(parent, 'link'));
    expect(() => writePyTorch(zoo.dense_identity_relu(), join(parent, 'link'))).toThrow(/writePyTorch: cannot write .*link: it is a symbolic link/);
    expect(() => writePyTorch(zoo.dense_identity_relu(), '/proc/epynn-x')).toThrow(FileWriteError);
    writeFileSync(join(parent, 'real', 'model.json'), '{}');
    expect(() => writePyTorch(zoo.dense_identity_relu(), join(parent, 'real'), { keep: join(parent, 'real', 'model.json') })).toThrow(/it holds .*model\.json, which replacing the folder would remove \(SAME_FILE\)/);
    expect(readdirSync(join(parent, 'real'))).toEqual(['model.json']);
  });

  it('epynn export --format pytorch [--data] <model.json> <out>', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epynn-export-pytorch-'));
    const m = zoo.lstm_stack();
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    const plain = m.write(join(dir, 'plain.json'));
    expect(await main(['export', '--format', 'pytorch', plain, join(dir, 'pt')], io)).toBe(0);
    expect(out.join('\n')).toContain(`PyTorch folder written to ${join(dir, 'pt')}`);
    const X = samples(3, [6, 3], 2);
    expect([...readPyTorch(join(dir, 'pt')).predict(X).A!.data]).toEqual([...m.predict(X).A!.data]);
    expect(await main(['export', '--format', 'pytorch', '--data', plain, join(dir, 'pt2')], io)).toBe(1);
    expect(err.join('\n')).toContain("{ data: true } needs the Embedding's training set");
    const withData = m.write(join(dir, 'data.json'), { includeData: true });
    expect(await main(['export', '--format', 'pytorch', '--data', withData, join(dir, 'pt3')], io)).toBe(0);
    expect(readdirSync(join(dir, 'pt3'))).toContain('data.npz');
    expect(await main(['export', '--format', 'pytorch', plain, dir], io)).toBe(1); // the folder holding the model file
    expect(err.join('\n')).toContain('which replacing the folder would remove (SAME_FILE)');
    expect(existsSync(plain)).toBe(true);
    expect(await main(['export', '--format', 'onnx', '--data', plain, join(dir, 'x.onnx')], io)).toBe(2);
    expect(err.join('\n')).toContain('--data goes with --format pytorch');
  });
});

void Pooling;
