// Fixtures: tests/fixtures/epynn/train_*.json, written by the reference NumPy EpyNN 1.2.11:
// EpyNN([Embedding(...), *layers]).initialize(loss, seed, se_hPars, metrics); train(epochs, init_logs=False).
// We inject `paramsInitial` (RNG streams differ from NumPy's) and replay EpyNN's batch order, then
// compare the per-epoch metrics, learning rates and final parameters at rtol 1e-8.
import { describe, expect, test } from 'vitest';
import { NDArray } from '../../src/commons/ndarray.js';
import { Embedding } from '../../src/embedding/models.js';
import { EpyNN } from '../../src/network/models.js';
import { buildLayer } from '../helpers/build.js';
import { expectClose, expectCloseNum } from '../helpers/close.js';
import { fixtureNames, fixtureX, loadFixture } from '../helpers/fixtures.js';

const TOL = { rtol: 1e-8, atol: 1e-10 };

const num = (v: unknown): number => (v === 'NaN' ? NaN : (v as number));

function setup(fx: any): EpyNN {
  const o = fx.data.embedding;
  const embedding = new Embedding({
    XData: fixtureX(fx.data.X_data), YData: fx.data.Y_data, relativeSize: o.relativeSize,
    batchSize: o.batchSize ?? undefined, XEncode: o.XEncode, YEncode: o.YEncode, XScale: o.XScale,
  });
  // Replay EpyNN's shuffles: the one consumed by initialize(), then one per epoch
  const orders: number[][] = [fx.initBatchOrder, ...fx.epochBatchOrders];
  let call = 0;
  embedding.shuffle = (n: number) => {
    const order = orders[call++];
    expect(order.length).toBe(n);
    return [...order];
  };
  const layers = fx.architecture.slice(1).map(buildLayer);
  const model = new EpyNN([embedding, ...layers], 'fixture');
  // Fixtures with Dropout (needsNumpyRng) need EpyNN's masks: NumPy's generator (compat mode) draws them
  model.initialize({ loss: fx.loss, seHPars: fx.hPars, metrics: fx.metrics, seed: fx.seed, quiet: true, compat: fx.needsNumpyRng ? 'epynn' : undefined });
  fx.paramsInitial.forEach((params: Record<string, NDArray>, i: number) => {
    for (const [k, v] of Object.entries(params)) model.layers[i].p[k] = v.copy();
  });
  return model;
}

describe('training matches EpyNN end to end', () => {
  for (const name of fixtureNames('train_')) {
    test(name, () => {
      const fx = loadFixture(name);
      const model = setup(fx);
      model.train({ epochs: fx.epochs, initLogs: false, quiet: true });

      // learning rate schedule and the hyperparameters it writes
      for (const layer of model.layers) {
        layer.lrate.forEach((lr, e) => expectCloseNum(lr, fx.lrate[e], `lrate[${e}]`, TOL));
      }
      for (const [k, v] of Object.entries(fx.hParsAfter)) {
        if (typeof v === 'number') expectCloseNum((model.seHPars as any)[k], v, `hParsAfter.${k}`, TOL);
        else expect((model.seHPars as any)[k]).toBe(v);
      }
      // metrics per epoch for dtrain, dval, dtest
      expect(Object.keys(model.metrics)).toEqual(Object.keys(fx.metricsHistory));
      for (const [metric, sets] of Object.entries(fx.metricsHistory as Record<string, unknown[][]>)) {
        sets.forEach((values, k) => {
          expect(model.metrics[metric][k].length, `${metric}[${k}] length`).toBe(values.length);
          values.forEach((v, e) => expectCloseNum(model.metrics[metric][k][e], num(v), `${metric}[${k}][epoch ${e}]`, TOL));
        });
      }
      // final parameters
      fx.paramsFinal.forEach((params: Record<string, NDArray>, i: number) => {
        for (const [k, v] of Object.entries(params)) expectClose(model.layers[i].p[k], v, `layer ${i} p.${k}`, TOL);
      });
      // outputs of the last evaluation
      const sets = { dtrain: model.embedding.dtrain, dval: model.embedding.dval, dtest: model.embedding.dtest };
      for (const [k, A] of Object.entries(fx.finalOutputs as Record<string, NDArray>)) expectClose(sets[k as keyof typeof sets].A, A, `${k}.A`, TOL);
    });

    test(`${name}: parameters after the first epoch`, () => {
      const fx = loadFixture(name);
      const model = setup(fx);
      model.train({ epochs: 1, initLogs: false, quiet: true });
      fx.paramsAfterFirstEpoch.forEach((params: Record<string, NDArray>, i: number) => {
        for (const [k, v] of Object.entries(params)) expectClose(model.layers[i].p[k], v, `layer ${i} p.${k}`, TOL);
      });
    });
  }
});
