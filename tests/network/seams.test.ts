// The engine's seams (docs/CONCEPTS.md "Seams"): layer traits read by the parallel engine, one mode per
// pass, the optimizer every update goes through, the callbacks of the training loop.
import { afterEach, describe, expect, test } from 'vitest';
import {
  Convolution, Dense, Dropout, Embedding, EpyNN, EpyNNError, Flatten, GRU, LSTM, Layer, NDArray, Pooling, RNN,
  memoryOutput, numpyRng, registerLayer, relu, setThreads, softmax,
} from '../../src/index.js';
import { BARE_MODE, type LayerTraits, type Mode, sgdUpdate } from '../../src/commons/models.js';
import { parallelEngine } from '../../src/network/hooks.js';
import type { Optimizer, UpdateArgs } from '../../src/commons/optimizer.js';
import { epynnSGD } from '../../src/commons/optimizer.js';
import type { Callback, CallbackEvent } from '../../src/callbacks/callback.js';

afterEach(() => setThreads(undefined));

function data(m: number, seed: number): { X: NDArray; y: number[] } {
  const rng = numpyRng(seed);
  const X = new NDArray(new Float64Array(m * 6).map(() => rng.uniform()), [m, 6]);
  return { X, y: Array.from({ length: m }, (_, i) => (i * 5) % 3) };
}

/** A layer of your own: y = x · c (c trained), recording the mode of every forward; `declared` traits over the base class's. */
class Probe extends Layer {
  modes: Mode[] = [];
  declared: Partial<LayerTraits> | null;
  constructor(declared: Partial<LayerTraits> | null = { samplesIndependent: true }) {
    super('Probe');
    this.declared = declared;
    this.trainable = true;
  }
  override get traits(): LayerTraits {
    return this.declared === null ? super.traits : { ...super.traits, ...this.declared };
  }
  toConfig(): Record<string, unknown> {
    return {};
  }
  computeShapes(A: NDArray): void {
    this.fs.X = A.shape;
  }
  initializeParameters(): void {
    this.p.c = new NDArray(Float64Array.of(1), [1]);
  }
  forward(A: NDArray): NDArray {
    this.modes.push(this.mode);
    this.fc.X = A;
    const c = this.p.c.data[0];
    return (this.fc.A = new NDArray(A.data.map((v) => v * c), A.shape));
  }
  backward(dX: NDArray): NDArray {
    this.bc.dA = dX;
    const c = this.p.c.data[0];
    return new NDArray(dX.data.map((v) => v * c), dX.shape);
  }
  computeGradients(): void {
    let s = 0;
    const x = this.fc.X.data;
    const d = this.bc.dA.data;
    for (let i = 0; i < x.length; i++) s += x[i] * d[i];
    this.g.dc = new NDArray(Float64Array.of(s), [1]);
  }
  updateParameters(): void {
    if (this.trainable) sgdUpdate(this); // EpyNN's name: the model's optimizer
  }
}

registerLayer('Probe', Probe); // the replicas of src/parallel are built from the model's JSON

function probeModel(probe: Probe, batchSize = 16): EpyNN {
  const { X, y } = data(64, 3);
  const model = new EpyNN([new Embedding({ XData: X, YData: y, YEncode: true, batchSize, relativeSize: [3, 1, 0] }), probe, new Dense({ units: 3, activate: softmax })]);
  return model;
}

const params = (model: EpyNN): number[] => model.layers.flatMap((l) => Object.values(l.p).flatMap((P) => Array.from(P.data)));

describe('traits', () => {
  test('the built-in layers declare theirs', () => {
    const plain = { samplesIndependent: true, drawsRandom: false, batchStatistics: false, clipsGradients: false, softmaxJacobian: false };
    for (const layer of [new Embedding(), new Convolution(), new Pooling(), new Flatten(), new RNN({ clipGradients: false }), new LSTM(), new GRU()]) {
      expect(layer.traits).toEqual(plain);
    }
    expect(new Dense().traits).toEqual({ ...plain, softmaxJacobian: true });
    expect(new Dropout().traits).toEqual({ ...plain, drawsRandom: true });
    expect(new Dropout({ axis: 1 }).randomShape(5, [4, 3])).toEqual([5, 1, 3]);
    for (const layer of [new RNN(), new LSTM({ clipGradients: true }), new GRU({ clipGradients: true })]) expect(layer.traits.clipsGradients).toBe(true);
  });

  test('a layer of your own declares nothing by default: each batch trains whole', () => {
    const model = probeModel(new Probe(null));
    model.initialize({ loss: 'CCE', seed: 1, quiet: true, threads: 2 });
    expect(model.layers[1].traits.samplesIndependent).toBe(false);
    expect(parallelEngine()!.trainer(model)).toBeUndefined();
  });

  test('a layer of your own that declares its samples independent trains in shards, with the same bits as whole batches', () => {
    const sharded = probeModel(new Probe()).initialize({ loss: 'CCE', seed: 1, quiet: true, threads: 1 });
    const trainer = parallelEngine()!.trainer(sharded);
    expect(trainer).toBeDefined();
    trainer!.close();
    const whole = probeModel(new Probe({})).initialize({ loss: 'CCE', seed: 1, quiet: true, threads: 1 });
    expect(parallelEngine()!.trainer(whole)).toBeUndefined();
    sharded.train({ epochs: 2, quiet: true });
    whole.train({ epochs: 2, quiet: true });
    // the shards' gradients are summed in another order: equal to the last bits or nearly
    const [a, b] = [params(sharded), params(whole)];
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(b[i])));
    expect(a).not.toEqual(params(probeModel(new Probe()).initialize({ loss: 'CCE', seed: 1, quiet: true }))); // it trained
  });

  test('a layer with batch statistics and no batchReduction() is never split across shards, and says why', () => {
    const model = probeModel(new Probe({ batchStatistics: true })).initialize({ loss: 'CCE', seed: 1, quiet: true, threads: 2 });
    const out = memoryOutput();
    model.logger = out;
    model.train({ epochs: 1, initLogs: false });
    expect(parallelEngine()!.trainer(model)).toBeUndefined();
    expect(out.lines.join('\n')).toMatch(/NOTE: running on one thread: the layer Probe computes statistics over the batch \(traits\.batchStatistics\), so each batch trains whole/);
  });
});

describe('mode', () => {
  test('one mode per pass: the check pass, training steps, evaluation, predict; bare afterwards', () => {
    // a layer that keeps each batch whole: its own forward runs the training steps (sharded ones run in
    // the replicas of src/parallel, in shard mode: tests/parallel)
    const probe = new Probe({});
    const model = probeModel(probe).initialize({ loss: 'CCE', seed: 2, quiet: true, threads: 1 });
    expect(probe.modes.map((m) => m.phase)).toEqual(['training']); // the check pass
    expect(probe.modes[0]).toMatchObject({ reuseOutputs: false, forwardOnly: false, skipDX: false, shard: false });
    probe.modes = [];
    model.train({ epochs: 1, quiet: true });
    const steps = probe.modes.filter((m) => m.phase === 'training');
    expect(steps.length).toBe(3);
    // the layer after the Embedding skips dX; the outputs are consumed within the step
    for (const m of steps) expect(m).toMatchObject({ reuseOutputs: true, forwardOnly: false, skipDX: true, shard: false });
    const evals = probe.modes.filter((m) => m.phase === 'evaluation');
    expect(evals.length).toBe(3); // dtrain (48 samples: 2 chunks of at most 32), dval
    for (const m of evals) expect(m).toMatchObject({ reuseOutputs: true, forwardOnly: true, skipDX: false });
    probe.modes = [];
    model.predict(data(5, 9).X);
    expect(probe.modes.map((m) => m.phase)).toEqual(['prediction']);
    expect(probe.modes[0]).toMatchObject({ reuseOutputs: true, forwardOnly: true });
    for (const layer of model.layers) expect(layer.mode).toBe(BARE_MODE);
    // compat: 'epynn' evaluates and predicts in one forward whose output is kept: nothing reused
    const compat = probeModel(new Probe()).initialize({ loss: 'CCE', seed: 2, quiet: true, compat: 'epynn' });
    const p = compat.layers[1] as Probe;
    p.modes = [];
    compat.train({ epochs: 1, quiet: true });
    expect(p.modes.filter((m) => m.phase === 'training').length).toBe(3);
    for (const m of p.modes.filter((m) => m.phase === 'evaluation')) expect(m).toMatchObject({ reuseOutputs: false, forwardOnly: true });
    p.modes = [];
    compat.predict(data(5, 9).X);
    expect(p.modes).toEqual([{ phase: 'prediction', reuseOutputs: false, forwardOnly: true, skipDX: false, shard: false }]);
  });

  test('the flags of a bare layer call are views of its mode', () => {
    const d = new Dropout();
    expect(d.mode).toBe(BARE_MODE);
    d.training = true;
    expect(d.mode.phase).toBe('training');
    d.reuseOutputs = true;
    expect(d.mode).toMatchObject({ phase: 'training', reuseOutputs: true, forwardOnly: false });
    d.training = false;
    expect(d.training).toBe(false);
    expect(d.reuseOutputs).toBe(true);
  });
});

/** SGD scaled by `k`: p -= k · lr · g (counts its calls). */
function scaledSGD(k: number): Optimizer & { calls: number } {
  return {
    name: 'scaled',
    slots: 1,
    epynn: false,
    config: { k },
    calls: 0,
    update(this: { calls: number }, { p, g, s, lr }: UpdateArgs): void {
      this.calls++;
      for (let i = 0; i < p.length; i++) {
        s[i] += 1; // the state beside the parameter: one slot per value
        p[i] -= k * lr * g[i];
      }
    },
  };
}

describe('optimizer', () => {
  const build = (): EpyNN => {
    const { X, y } = data(48, 5);
    return new EpyNN([new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 16, relativeSize: [1, 0, 0] }), new Dense({ units: 5, activate: relu }), new Dense({ units: 3, activate: softmax })]);
  };

  test("EpyNN's SGD is the default and an optimizer like any other: the same bits through either", () => {
    const a = build().initialize({ loss: 'CCE', seed: 4, quiet: true });
    const b = build().initialize({ loss: 'CCE', seed: 4, quiet: true, optimizer: scaledSGD(1) });
    expect(a.layers[1].optimizer).toBe(epynnSGD);
    // an optimizer of your own, not registered, still trains in shards (the replicas carry no optimizer)
    const trainer = parallelEngine()!.trainer(b);
    expect(trainer).toBeDefined();
    trainer!.close();
    a.train({ epochs: 3, quiet: true });
    b.train({ epochs: 3, quiet: true });
    expect(params(b)).toEqual(params(a));
    expect(a.layers[1].steps).toBe(9); // 3 epochs of 3 batches
    // the state lives beside each parameter, slots × size
    expect(Object.keys(b.layers[1].s)).toEqual(['W', 'b']);
    expect(Array.from(b.layers[1].s.b)).toEqual([9, 9, 9, 9, 9]);
  });

  test('every layer goes through the model optimizer, a layer of your own too; a layer may have its own', () => {
    const opt = scaledSGD(2);
    const own = scaledSGD(0);
    const { X, y } = data(48, 5);
    const probe = new Probe();
    const frozen = new Dense({ units: 4, activate: relu });
    frozen.optimizer = own; // step 0: never moves
    const model = new EpyNN([new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 16, relativeSize: [1, 0, 0] }), probe, frozen, new Dense({ units: 3, activate: softmax })]);
    model.initialize({ loss: 'CCE', seed: 4, quiet: true, optimizer: opt });
    const before = Array.from(frozen.p.W.data);
    model.train({ epochs: 1, quiet: true });
    expect(probe.optimizer).toBe(opt);
    expect(probe.s.c).toBeDefined(); // the custom layer's update went through it
    expect(opt.calls).toBe(3 * 3); // 3 batches × (Probe's c, the last Dense's W and b)
    expect(own.calls).toBe(3 * 2);
    expect(Array.from(frozen.p.W.data)).toEqual(before);
  });

  test("compat: 'epynn' refuses any optimizer but EpyNN's SGD, and a bad optimizer is named", () => {
    expect(() => build().initialize({ quiet: true, compat: 'epynn', optimizer: scaledSGD(1) })).toThrow(
      /EpyNN\.initialize: compat: 'epynn' trains with EpyNN's SGD only .* got optimizer 'scaled'/,
    );
    const m = build();
    m.layers[1].optimizer = scaledSGD(1);
    expect(() => m.initialize({ quiet: true, compat: 'epynn' })).toThrow(/got layer Dense's optimizer 'scaled'/);
    expect(() => build().initialize({ quiet: true, optimizer: { name: 'x' } as unknown as Optimizer })).toThrow(/optimizer is not an optimizer: it lacks slots/);
    expect(() => build().initialize({ quiet: true, optimizer: 'adam' as unknown as Optimizer })).toThrow(EpyNNError);
  });
});

describe('callbacks', () => {
  const build = (): EpyNN => {
    const { X, y } = data(48, 6);
    return new EpyNN([new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 16, relativeSize: [2, 1, 0] }), new Dense({ units: 5, activate: relu }), new Dense({ units: 3, activate: softmax })])
      .initialize({ loss: 'CCE', seed: 8, quiet: true });
  };

  test('the hooks in order, with epoch, batch and metrics', () => {
    const model = build();
    const seen: string[] = [];
    const events: CallbackEvent[] = [];
    const log = (name: string) => (e: CallbackEvent) => {
      seen.push(`${name}:${e.epoch}:${e.batch}`);
      events.push(e);
    };
    const cb: Callback = {
      onTrainBegin: log('tb'), onTrainEnd: log('te'), onEpochBegin: log('eb'), onEpochEnd: log('ee'), onBatchBegin: log('bb'), onBatchEnd: log('be'),
    };
    model.train({ epochs: 2, quiet: true, callbacks: [cb] });
    // dtrain: 32 samples in batches of 16
    expect(seen).toEqual(['tb:0:-1', 'eb:0:-1', 'bb:0:0', 'be:0:0', 'bb:0:1', 'be:0:1', 'ee:0:-1', 'eb:1:-1', 'bb:1:0', 'be:1:0', 'bb:1:1', 'be:1:1', 'ee:1:-1', 'te:1:-1']);
    const batchEnd = events[3];
    expect(batchEnd.batches).toBe(2);
    expect(Object.keys(batchEnd.logs).sort()).toEqual(['accuracy', 'cost']);
    const epochEnd = events[6]; // ee of epoch 0
    expect(epochEnd.logs['dval.CCE']).toBe(model.metrics.CCE[1][0]);
    expect(epochEnd.logs['dval.loss']).toBe(model.metrics.CCE[1][0]);
    expect(epochEnd.logs['dtrain.accuracy']).toBe(model.metrics.accuracy[0][0]);
  });

  test('a stop after the epoch: training ends there, the report closed, and a later train() continues', () => {
    const model = build();
    const out = memoryOutput();
    model.logger = out;
    model.train({ epochs: 6, verbose: 4, initLogs: false, callbacks: [{ onEpochEnd: (e) => e.epoch === 1 && e.stop() }] });
    expect(model.epochsDone).toBe(2);
    expect(model.epochs).toBe(2);
    expect(model.e).toBe(1);
    expect(model.metrics.accuracy[0].length).toBe(2);
    // the table printed its last row (epoch 1, not a multiple of verbose)
    expect(out.lines.join('\n')).toMatch(/^\|\s+1\s+\|/m);
    // continuing: 10 epochs as 2 + 8 give the same bits as 10 at once
    model.train({ epochs: 8, quiet: true });
    const straight = build();
    straight.train({ epochs: 10, quiet: true });
    expect(params(model)).toEqual(params(straight));
  });

  test('a stop after a batch ends the epoch early, evaluated and counted', () => {
    const model = build();
    let batches = 0;
    model.train({ epochs: 3, quiet: true, callbacks: [{ onBatchEnd: (e) => { batches++; if (e.epoch === 1 && e.batch === 0) e.stop('batch'); } }] });
    expect(batches).toBe(3); // 2 in epoch 0, 1 in epoch 1
    expect(model.epochsDone).toBe(2);
    expect(model.metrics.CCE[0].length).toBe(2);
    expect(model.layers[1].steps).toBe(3);
  });

  test('an error thrown by a hook propagates with the epoch and batch; the model is back at the epoch start', () => {
    const model = build();
    model.train({ epochs: 1, quiet: true });
    const atStart = params(model);
    const rng = model.layers[1].rng.state();
    const boom = new Error('boom');
    let thrown: unknown;
    try {
      model.train({ epochs: 2, quiet: true, callbacks: [{ onBatchEnd: (e) => { if (e.batch === 1) throw boom; } }] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EpyNNError);
    expect((thrown as Error).message).toBe('EpyNN.train: callbacks[0].onBatchEnd threw at epoch 1, batch 1/1: boom');
    expect((thrown as Error).cause).toBe(boom);
    expect(params(model)).toEqual(atStart); // the update of batch 0 undone
    expect(model.layers[1].rng.state()).toEqual(rng);
    expect(model.epochsDone).toBe(1);
    expect(model.layers[1].steps).toBe(2);
    // training again continues exactly as if the failed call never happened
    model.train({ epochs: 2, quiet: true });
    const straight = build();
    straight.train({ epochs: 3, quiet: true });
    expect(params(model)).toEqual(params(straight));
  });

  test('bad callbacks are refused', () => {
    const model = build();
    expect(() => model.train({ epochs: 1, quiet: true, callbacks: {} as unknown as Callback[] })).toThrow(/callbacks must be an array/);
    expect(() => model.train({ epochs: 1, quiet: true, callbacks: [{}] })).toThrow(/callbacks\[0\] has none of the hooks/);
    expect(() => model.train({ epochs: 1, quiet: true, callbacks: [{ onEpochEnd: 3 } as unknown as Callback] })).toThrow(/callbacks\[0\]\.onEpochEnd must be a function, got 3/);
    expect(() => model.train({ epochs: 1, quiet: true, callbacks: [{ onEpochEnd: (e: CallbackEvent) => e.stop('now' as 'batch') }] })).toThrow(/stop: when must be 'batch' or 'epoch'/);
  });
});
