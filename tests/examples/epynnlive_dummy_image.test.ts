// examples/dummy_image/epynnlive.ts (EpyNN's epynnlive/dummy_image/train.py, line for line, compat: 'epynn')
// fed the data EpyNN's script generated (tests/fixtures/epynn/live_dummy_image.json) reproduces both of
// its models: metrics per epoch and final parameters (100 epochs each) at rtol 1e-8. The two models share
// one Embedding, as in the script.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { examples } from '../../examples/index.js';
import { prepareDataset, readDataset, trainScript } from '../../examples/dummy_image/epynnlive.js';
import { EpyNN, Embedding, PythonRandom, RandomState } from '../../src/index.js';
import { buildLayer } from '../helpers/build.js';
import type { NDArray } from '../../src/commons/ndarray.js';
import { expectClose, expectCloseNum } from '../helpers/close.js';
import { FIXTURE_DIR, loadFixture } from '../helpers/fixtures.js';

const TOL = { rtol: 1e-8, atol: 1e-10 };
const dir = mkdtempSync(join(tmpdir(), 'epynnlive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dummy_image epynnlive port reproduces EpyNN', () => {
  test("both models of train.py on EpyNN's data: metrics per epoch and final parameters", () => {
    const fx = loadFixture('live_dummy_image');
    const { models, model } = trainScript({ dataFile: join(FIXTURE_DIR, 'live_dummy_image.json'), modelPath: join(dir, 'cnn.json'), quiet: true });
    expect(models.length).toBe(fx.runs.length);
    fx.runs.forEach((run: any, r: number) => {
      const m = models[r];
      // the port names the CNN as the published notebook does (train.py: Convolution-6-4_Pooling-2-Max_...)
      expect(m.name).toBe(run.name.replace('Convolution-6-4_Pooling-2-Max', 'Convolution-6-2_Pooling-3-3-Max'));
      expect(m.embedding).toBe(models[0].embedding); // shared, as in the script
      expect(m.layers.slice(1).map((l) => l.name)).toEqual(run.layers.map((l: any) => l.layer));
      expect(m.seHPars.learning_rate).toBe(run.hPars.learning_rate);
      for (const [metric, sets] of Object.entries(run.metricsHistory as Record<string, number[][]>)) {
        sets.forEach((values, k) => {
          expect(m.metrics[metric][k].length, `${run.name} ${metric}[${k}] length`).toBe(values.length);
          values.forEach((v, e) => expectCloseNum(m.metrics[metric][k][e], v, `${run.name} ${metric}[${k}][epoch ${e}]`, TOL));
        });
      }
      run.paramsFinal.forEach((params: Record<string, NDArray>, i: number) => {
        for (const [k, v] of Object.entries(params)) expectClose(m.layers[i].p[k], v, `${run.name} layer ${i} p.${k}`, TOL);
      });
    });
    // the model read back from disk is the CNN, exactly
    models[1].layers.forEach((layer, i) => {
      for (const [k, v] of Object.entries(layer.p)) expect(Array.from(model.layers[i].p[k].data)).toEqual(Array.from(v.data));
    });
  });

  test("each run's initial parameters from seed 1 alone (rtol 1e-12)", () => {
    const fx = loadFixture('live_dummy_image');
    const { X } = readDataset(join(FIXTURE_DIR, 'live_dummy_image.json'));
    for (const run of fx.runs) {
      const e = fx.embeddings[run.embedding];
      const embedding = new Embedding({ XData: X, YData: fx.data.Y_label, XScale: e.XScale, YEncode: e.YEncode, batchSize: e.batchSize, relativeSize: e.relativeSize });
      const model = new EpyNN([embedding, ...run.layers.map(buildLayer)], run.name);
      model.initialize({ loss: run.loss, seed: run.seed, seHPars: run.hPars, quiet: true, compat: 'epynn' });
      run.paramsInitial.forEach((params: Record<string, NDArray>, i: number) => {
        for (const [k, v] of Object.entries(params)) expectClose(model.layers[i].p[k], v, `${run.name} layer ${i} p.${k} (initial)`, { rtol: 1e-12, atol: 1e-14 });
      });
    }
  });

  test('its data generator mirrors prepare_dataset.py (labels follow the masking law)', () => {
    const { X_features, Y_label } = prepareDataset(200, { random: new PythonRandom(3), np: { random: new RandomState(3) } });
    expect(X_features.length).toBe(200);
    expect(X_features[0].shape).toEqual([28, 28, 1]);
    X_features.forEach((x, i) => {
      expect(x.data.every((v) => Number.isInteger(v) && v >= 0 && v < 16)).toBe(true);
      // a masked image (label 0) has a zero row and a zero column
      const rowZero = Array.from({ length: 28 }, (_, h) => x.data.subarray(h * 28, h * 28 + 28).every((v) => v === 0)).some(Boolean);
      const colZero = Array.from({ length: 28 }, (_, w) => Array.from({ length: 28 }, (_, h) => x.data[h * 28 + w]).every((v) => v === 0)).some(Boolean);
      if (Y_label[i] === 0) expect(rowZero && colZero, `sample ${i}`).toBe(true);
    });
    const positives = Y_label.filter((y) => y === 0).length;
    expect(positives).toBeGreaterThan(60);
    expect(positives).toBeLessThan(140);
    // same seed, same data
    const again = prepareDataset(200, { random: new PythonRandom(3), np: { random: new RandomState(3) } });
    expect(again.Y_label).toEqual(Y_label);
    expect(Array.from(again.X_features[7].data)).toEqual(Array.from(X_features[7].data));
  });

  test('runs as `--variant epynnlive` on generated data (short)', async () => {
    const model = await examples.dummy_image.run({ variant: 'epynnlive', epochs: 2, samples: 96, quiet: true, modelPath: join(dir, 'smoke.json') } as any);
    expect(model.epochsDone).toBe(2);
    expect(model.compat).toBe('epynn');
    expect(model.name).toBe('Convolution-6-2_Pooling-3-3-Max_Flatten_Dense-2-softmax');
  });
});
