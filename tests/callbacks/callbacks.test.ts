// The library's callbacks (src/callbacks): history, earlyStopping (restoreBestWeights), modelCheckpoint
// (durable writes through the Node entry), reduceLROnPlateau with EpyNN's schedules.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  Dense, Embedding, EpyNN, EpyNNError, NDArray, earlyStopping, modelCheckpoint, monitorDirection, numpyRng, reduceLROnPlateau, relu,
  scheduleLrate, defaultHPars, softmax,
} from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-callbacks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(lr = 0.05, seHPars: Record<string, unknown> = {}): EpyNN {
  const rng = numpyRng(21);
  const X = new NDArray(new Float64Array(90 * 4).map(() => rng.normal()), [90, 4]);
  const y = Array.from({ length: 90 }, (_, i) => (X.data[i * 4] + 0.3 * X.data[i * 4 + 1] > 0 ? 1 : 0));
  const model = new EpyNN([new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 15, relativeSize: [2, 1, 0] }), new Dense({ units: 8, activate: relu }), new Dense({ units: 2, activate: softmax })]);
  return model.initialize({ loss: 'CCE', seed: 3, quiet: true, threads: 1, seHPars: { learning_rate: lr, ...seHPars } });
}

const params = (model: EpyNN): number[][] => model.layers.flatMap((l) => Object.values(l.p).map((P) => Array.from(P.data)));

/** Trains `epochs` epochs recording the parameters and the epoch logs after each. */
function recorded(model: EpyNN, epochs: number): { params: number[][][]; logs: Record<string, number>[] } {
  const out = { params: [] as number[][][], logs: [] as Record<string, number>[] };
  model.train({ epochs, quiet: true, callbacks: [{ onEpochEnd: (e) => { out.params.push(params(e.model)); out.logs.push({ ...e.logs }); } }] });
  return out;
}

describe('history', () => {
  test('train() returns the model with the history of the call', () => {
    const model = build();
    const { history } = model.train({ epochs: 3, quiet: true });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(history.logs['dval.accuracy']).toEqual(model.metrics.accuracy[1]);
    expect(history.logs['dtrain.loss']).toEqual(model.metrics.CCE[0]);
    expect(Object.keys(history.logs).sort()).toEqual(['dtrain.CCE', 'dtrain.accuracy', 'dtrain.loss', 'dval.CCE', 'dval.accuracy', 'dval.loss']);
    const again = model.train({ epochs: 2, quiet: true }).history;
    expect(again.epoch).toEqual([3, 4]);
    expect(again.logs['dval.CCE']).toEqual(model.metrics.CCE[1].slice(3));
  });
});

describe('earlyStopping', () => {
  test('the monitored direction from the name', () => {
    expect(monitorDirection('dval.loss', 'auto')).toBe('min');
    expect(monitorDirection('dval.CCE', 'auto')).toBe('min');
    expect(monitorDirection('dtrain.accuracy', 'auto')).toBe('max');
    expect(monitorDirection('dval.fscore', 'min')).toBe('min');
  });

  test("stops after `patience` epochs without improvement, Keras' rule, and restoreBestWeights leaves the best epoch's parameters", () => {
    // the same run without stopping: the losses and parameters of every epoch
    const free = recorded(build(0.1), 40);
    const losses = free.logs.map((l) => l['dval.loss']);
    // Keras' rule, computed here on the recorded losses: the first epoch whose wait reaches patience
    const patience = 3;
    const minDelta = 1e-3;
    let best = Infinity;
    let bestEpoch = -1;
    let wait = 0;
    let stop = -1;
    for (let e = 0; e < losses.length && stop < 0; e++) {
      wait++;
      if (losses[e] + minDelta < best) {
        best = losses[e];
        bestEpoch = e;
        wait = 0;
      } else if (wait >= patience && e > 0) stop = e;
    }
    expect(stop).toBeGreaterThan(0); // this run does plateau (else the test would prove nothing)

    const model = build(0.1);
    const es = earlyStopping({ monitor: 'dval.loss', patience, minDelta, restoreBestWeights: true });
    model.train({ epochs: 40, quiet: true, callbacks: [es] });
    expect(es.stoppedEpoch).toBe(stop);
    expect(es.bestEpoch).toBe(bestEpoch);
    expect(es.best).toBe(best);
    expect(model.epochsDone).toBe(stop + 1);
    expect(model.history.epoch.length).toBe(stop + 1);
    expect(params(model)).toEqual(free.params[bestEpoch]); // the best epoch's parameters, not the last one's
    expect(params(model)).not.toEqual(free.params[stop]);
  });

  test('without restoreBestWeights the last epoch is kept; baseline stops a run that never beats it', () => {
    const free = recorded(build(0.1), 6);
    const model = build(0.1);
    const es = earlyStopping({ monitor: 'dval.accuracy', baseline: 2, patience: 2 }); // accuracy never exceeds 2
    model.train({ epochs: 6, quiet: true, callbacks: [es] });
    // epoch 0 improves on -∞ but not on the baseline: the wait is 1, then 2 = patience after epoch 1
    expect(es.stoppedEpoch).toBe(1);
    expect(params(model)).toEqual(free.params[1]);
  });

  test('a monitor that is not in the logs is a clear error with epoch; bad options are named', () => {
    const model = build();
    expect(() => model.train({ epochs: 2, quiet: true, callbacks: [earlyStopping({ monitor: 'dtest.loss' })] })).toThrow(
      /callbacks\[0\]\.onEpochEnd threw at epoch 0: earlyStopping: monitor 'dtest\.loss' is not among the epoch's values \(dtrain\.accuracy, dval\.accuracy, dtrain\.CCE, dtrain\.loss, dval\.CCE, dval\.loss\)/,
    );
    expect(() => earlyStopping({ patience: -1 })).toThrow(/earlyStopping: patience must be/);
    expect(() => earlyStopping({ mode: 'up' as 'min' })).toThrow(/earlyStopping: mode must be one of/);
    expect(() => earlyStopping({ monitr: 'x' } as never)).toThrow(EpyNNError);
  });
});

describe('modelCheckpoint', () => {
  test('writes every epoch, or the improving ones only; the best file holds that epoch', () => {
    const free = recorded(build(0.1), 8);
    const losses = free.logs.map((l) => l['dval.loss']);
    const improving: number[] = [];
    let best = Infinity;
    losses.forEach((v, e) => {
      if (v < best) {
        best = v;
        improving.push(e);
      }
    });
    expect(improving.length).toBeLessThan(8); // some epoch does not improve

    const every = modelCheckpoint({ path: join(dir, 'every.{epoch}.json') });
    const bestOnly = modelCheckpoint({ path: join(dir, 'best.json'), saveBestOnly: true, includeData: true });
    const model = build(0.1);
    model.train({ epochs: 8, quiet: true, callbacks: [every, bestOnly] });
    expect(every.written).toEqual(Array.from({ length: 8 }, (_, e) => join(dir, `every.${e}.json`)));
    expect(bestOnly.written.length).toBe(improving.length);
    expect(readdirSync(dir).filter((f) => f.startsWith('every.')).length).toBe(8);
    const back = EpyNN.fromJSON(readFileSync(join(dir, 'best.json'), 'utf8'));
    expect(params(back)).toEqual(free.params[improving[improving.length - 1]]);
    expect(back.epochsDone).toBe(improving[improving.length - 1] + 1);
    expect(() => modelCheckpoint({} as never)).toThrow(/modelCheckpoint: path must be a file path/);
  });
});

describe('reduceLROnPlateau', () => {
  test("scales EpyNN's schedule from the next epoch on, never below min(scheduled, minLr), and keeps the scale", () => {
    const hp = { schedule: 'exp_decay', decay_k: 0.2 };
    const model = build(0.2, hp);
    // minDelta so large that only the first epoch improves: a reduction after every later epoch
    const plateau = reduceLROnPlateau({ factor: 0.5, patience: 0, minDelta: 1e9, minLr: 0.05 });
    const rates: number[][] = [];
    model.train({ epochs: 6, quiet: true, callbacks: [plateau, { onEpochEnd: (e) => void rates.push([...e.model.layers[1].lrate]) }] });
    expect(plateau.reductions).toEqual([1, 2, 3, 4, 5]);
    const sched = scheduleLrate(defaultHPars({ learning_rate: 0.2, ...hp } as never), 6).lrate;
    // the rate each epoch trained with: epoch j after the reductions at epochs < j
    const trainedWith = model.layers[1].lrate;
    for (let j = 0; j < 6; j++) {
      const scale = 0.5 ** Math.max(0, j - 1);
      expect(trainedWith[j]).toBe(j <= 1 ? sched[j] : Math.max(sched[j] * scale, Math.min(sched[j], 0.05)));
    }
    expect(rates[0]).toEqual(sched); // before the first reduction: the schedule itself
    expect(model.lrScale).toBe(0.5 ** 5);
    // the scale stays with the model and its file
    const back = EpyNN.fromJSON(JSON.stringify(model.toJSON({ includeData: true })));
    expect(back.lrScale).toBe(model.lrScale);
    expect(back.lrFloor).toBe(0.05);
  });

  test('a reduction changes the training, as the same rates set by hand do', () => {
    const a = build(0.3);
    a.train({ epochs: 4, quiet: true, callbacks: [reduceLROnPlateau({ factor: 0.25, patience: 0, minDelta: 1e9 })] });
    // by hand: the same rates through the optimizer of a fresh model, epoch by epoch
    const b = build(0.3);
    b.train({ epochs: 4, quiet: true, callbacks: [{ onEpochEnd: (e) => { if (e.epoch >= 1) { e.model.lrScale = 0.25 ** e.epoch; for (const l of e.model.layers) for (let j = e.epoch + 1; j < 4; j++) l.lrate[j] = 0.3 * e.model.lrScale; } } }] });
    expect(params(a)).toEqual(params(b));
    const c = build(0.3);
    c.train({ epochs: 4, quiet: true });
    expect(params(a)).not.toEqual(params(c));
  });

  test('bad options are named', () => {
    expect(() => reduceLROnPlateau({ factor: 1 })).toThrow(/reduceLROnPlateau: factor must be < 1/);
    expect(() => reduceLROnPlateau({ minLr: -1 })).toThrow(/reduceLROnPlateau: minLr must be >= 0/);
  });
});
