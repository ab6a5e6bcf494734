// compat: 'epynn': every training fixture (tests/fixtures/epynn/train_*.json, written by NumPy EpyNN 1.2.11)
// reproduced from its seed alone: nothing injected, no batch order replayed. EpyNN's generator (NumPy's
// default_rng with EpyNN's seeds), its draws in its order (initializers, the check pass, the shuffle of
// dtrain_zip at initialize and every epoch, Dropout masks in every forward, evaluation included).
import { describe, expect, test } from 'vitest';
import { EpyNNError } from '../../src/errors.js';
import type { NDArray } from '../../src/commons/ndarray.js';
import { Dense } from '../../src/dense/models.js';
import { Dropout } from '../../src/dropout/models.js';
import { Embedding } from '../../src/embedding/models.js';
import '../../src/index.js'; // loads the model file format (toJSON / fromJSON)
import { EpyNN } from '../../src/network/models.js';
import { defaultHPars } from '../../src/settings.js';
import { buildLayer } from '../helpers/build.js';
import { expectClose, expectCloseNum } from '../helpers/close.js';
import { throwsWith } from '../helpers/errors.js';
import { fixtureNames, fixtureX, loadFixture } from '../helpers/fixtures.js';

const TOL = { rtol: 1e-8, atol: 1e-10 };
// Initial parameters: NumPy's normals bit for bit; orthogonal goes through a QR (ours is not LAPACK's)
const TOL_INIT = { rtol: 1e-12, atol: 1e-14 };
const num = (v: unknown): number => (v === 'NaN' ? NaN : (v as number));

function build(fx: any): { model: EpyNN; orders: number[][] } {
  const o = fx.data.embedding;
  const embedding = new Embedding({
    XData: fixtureX(fx.data.X_data), YData: fx.data.Y_data, relativeSize: o.relativeSize,
    batchSize: o.batchSize ?? undefined, XEncode: o.XEncode, YEncode: o.YEncode, XScale: o.XScale,
  });
  // Record (not replace) the batch orders the embedding draws
  const orders: number[][] = [];
  const shuffle = embedding.shuffle.bind(embedding);
  embedding.shuffle = (n: number) => {
    const order = shuffle(n);
    orders.push([...order]);
    return order;
  };
  const model = new EpyNN([embedding, ...fx.architecture.slice(1).map(buildLayer)], 'compat');
  return { model, orders };
}

describe("compat: 'epynn' reproduces EpyNN's training fixtures from the seed alone", () => {
  const names = fixtureNames('train_');
  test('all nine training fixtures are here, two of them needing the NumPy generator', () => {
    expect(names.length).toBe(9);
    expect(names.filter((n) => loadFixture(n).needsNumpyRng).length).toBe(2);
  });

  for (const name of names) {
    test(name, () => {
      const fx = loadFixture(name);
      const { model, orders } = build(fx);
      model.initialize({ loss: fx.loss, seHPars: fx.hPars, metrics: fx.metrics, seed: fx.seed, quiet: true, compat: 'epynn' });
      expect(model.compat).toBe('epynn');
      // EpyNN's initial parameters, and the shuffle consumed by initialize()
      fx.paramsInitial.forEach((params: Record<string, NDArray>, i: number) => {
        expect(Object.keys(model.layers[i].p).sort(), `layer ${i} parameter names`).toEqual(Object.keys(params).sort());
        for (const [k, v] of Object.entries(params)) expectClose(model.layers[i].p[k], v, `layer ${i} p.${k} (initial)`, TOL_INIT);
      });
      expect(orders).toEqual([fx.initBatchOrder]);

      model.train({ epochs: fx.epochs, initLogs: false, quiet: true });
      // every epoch's batch order, exactly
      expect(orders.slice(1)).toEqual(fx.epochBatchOrders);
      for (const [metric, sets] of Object.entries(fx.metricsHistory as Record<string, unknown[][]>)) {
        sets.forEach((values, k) => {
          expect(model.metrics[metric][k].length, `${metric}[${k}] length`).toBe(values.length);
          values.forEach((v, e) => expectCloseNum(model.metrics[metric][k][e], num(v), `${metric}[${k}][epoch ${e}]`, TOL));
        });
      }
      fx.paramsFinal.forEach((params: Record<string, NDArray>, i: number) => {
        for (const [k, v] of Object.entries(params)) expectClose(model.layers[i].p[k], v, `layer ${i} p.${k} (final)`, TOL);
      });
      const sets = { dtrain: model.embedding.dtrain, dval: model.embedding.dval, dtest: model.embedding.dtest };
      for (const [k, A] of Object.entries(fx.finalOutputs as Record<string, NDArray>)) expectClose(sets[k as keyof typeof sets].A, A, `${k}.A`, TOL);
    });
  }

  test('a model written and read back mid-training continues on the same numbers', () => {
    const fx = loadFixture('train_11_seeded_dropout_minibatch');
    const init = { loss: fx.loss, seHPars: fx.hPars, metrics: fx.metrics, seed: fx.seed, quiet: true, compat: 'epynn' as const };
    const straight = build(fx).model.initialize(init);
    straight.train({ epochs: fx.epochs, initLogs: false, quiet: true });
    const first = build(fx).model.initialize(init);
    first.train({ epochs: 3, initLogs: false, quiet: true });
    const json = JSON.parse(JSON.stringify(first.toJSON({ includeData: true })));
    expect(json.model.compat).toBe('epynn');
    const back = EpyNN.fromJSON(json);
    expect(back.compat).toBe('epynn');
    expect(back.layers.every((l) => l.epynnCompat)).toBe(true);
    back.logger = first.logger;
    back.train({ epochs: fx.epochs - 3, initLogs: false, quiet: true });
    straight.layers.forEach((layer, i) => {
      for (const [k, v] of Object.entries(layer.p)) expect(Array.from(back.layers[i].p[k].data), `layer ${i} p.${k}`).toEqual(Array.from(v.data));
    });
    expect(back.metrics).toEqual(straight.metrics);
  });
});

describe('compat mode: what changes, what does not', () => {
  const data = () => {
    const X = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 3) / 2]);
    const Y = Array.from({ length: 12 }, (_, i) => i % 2);
    return new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 4 });
  };

  test('compat other than epynn is an EpyNNError', () => {
    const model = new EpyNN([data(), new Dense({ units: 2 })]);
    throwsWith(() => model.initialize({ compat: 'numpy' as any, quiet: true }), EpyNNError, 'EpyNN.initialize', 'compat', "'epynn'", 'numpy');
    throwsWith(() => model.initialize({ compat: true as any, quiet: true }), EpyNNError, 'compat', 'true');
    throwsWith(() => model.initialize({ compat: 'epynn', seed: -4, quiet: true }), EpyNNError, 'seed', '-4');
  });

  test("Dropout drops in evaluation and predict only in compat mode", () => {
    const build = () => new EpyNN([data(), new Dense({ units: 5 }), new Dropout({ dropProb: 0.5 }), new Dense({ units: 2 })]);
    const X = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]];
    const plain = build().initialize({ seed: 3, quiet: true });
    expect(Array.from(plain.predict(X).A!.data)).toEqual(Array.from(plain.predict(X).A!.data));
    const compat = build().initialize({ seed: 3, quiet: true, compat: 'epynn' });
    const a = Array.from(compat.predict(X).A!.data);
    const b = Array.from(compat.predict(X).A!.data);
    expect(a).not.toEqual(b); // fresh masks every forward, as EpyNN
    // initializing again in default mode restores the port's behaviour
    compat.initialize({ seed: 3, quiet: true });
    expect(compat.compat).toBeUndefined();
    expect(Array.from(compat.predict(X).A!.data)).toEqual(Array.from(compat.predict(X).A!.data));
  });

  test("seed 0 gives every layer seed 0 (EpyNN's `if seed:`), other seeds count up", () => {
    const m0 = new EpyNN([data(), new Dense({ units: 3 }), new Dense({ units: 2 })]).initialize({ seed: 0, quiet: true, compat: 'epynn' });
    expect(m0.layers.map((l) => l.o.seed)).toEqual([0, 0, 0]);
    const m5 = new EpyNN([data(), new Dense({ units: 3 }), new Dense({ units: 2 })]).initialize({ seed: 5, quiet: true, compat: 'epynn' });
    expect(m5.layers.map((l) => l.o.seed)).toEqual([6, 7, 8]);
    const mu = new EpyNN([data(), new Dense({ units: 3 }), new Dense({ units: 2 })]).initialize({ quiet: true, compat: 'epynn' });
    expect(mu.layers.map((l) => l.o.seed)).toEqual([undefined, undefined, undefined]);
  });

  test("the softmax gradient omits 1/T in compat mode only: EpyNN's own dX and gradients (fixtures with T != 1)", () => {
    const cases = fixtureNames('layer_dense_').map(loadFixture).filter((fx) => fx.trueGradient);
    expect(cases.length).toBeGreaterThan(0);
    for (const fx of cases) {
      const run = (compat: boolean) => {
        const layer = buildLayer({ layer: 'Dense', config: fx.config }) as Dense;
        layer.seHPars = defaultHPars(fx.hPars);
        layer.epynnCompat = compat;
        layer.computeShapes(fx.X);
        layer.initializeParameters();
        layer.p = { W: fx.params.W.copy(), b: fx.params.b.copy() };
        layer.forward(fx.X);
        const dX = layer.backward(fx.dA);
        layer.computeGradients();
        return { dX, dW: layer.g.dW, db: layer.g.db };
      };
      const epynn = run(true);
      expectClose(epynn.dX, fx.dX, 'compat dX = EpyNN dX');
      expectClose(epynn.dW, fx.grads.dW, 'compat dW = EpyNN dW');
      expectClose(epynn.db, fx.grads.db, 'compat db = EpyNN db');
      const exact = run(false);
      expectClose(exact.dX, fx.trueGradient.dX, 'default dX = exact dX');
      expect(() => expectClose(exact.dX, fx.dX, 'default vs EpyNN')).toThrow();
    }
  });
});
