// Smoke tests of the line-for-line ports of EpyNN's epynnlive train.py scripts (examples/<name>/epynnlive.ts):
// each runs for 2 epochs per model on a few samples, in compat: 'epynn' mode, writing its model to a temp dir.
// (dummy_image's port is checked against EpyNN's own numbers in epynnlive_dummy_image.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { examples } from '../../examples/index.js';
import * as boolean from '../../examples/dummy_boolean/epynnlive.js';
import * as string from '../../examples/dummy_string/epynnlive.js';
import * as time from '../../examples/dummy_time/epynnlive.js';
import * as music from '../../examples/author_music/epynnlive.js';
import * as captcha from '../../examples/captcha_mnist/epynnlive.js';
import * as ptm from '../../examples/ptm_protein/epynnlive.js';
import { loadMnistPackage } from '../../examples/captcha_mnist/prepare_dataset.js';
import { PythonRandom, RandomState } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'epynnlive-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// seeded: the script passes seed=1 to initialize (dummy_boolean's train() initializes unseeded, as in EpyNN)
// heavy: run the script once (author_music on short clips: 1 s at 10 kHz is 10,000 RNN steps a sample)
const cases: { name: string; samples: number; models: string[]; seeded?: false; heavy?: true; extra?: Record<string, unknown> }[] = [
  { name: 'dummy_boolean', samples: 30, models: ['Perceptron_Dense-1-sigmoid'], seeded: false },
  { name: 'dummy_string', samples: 60, models: ['Flatten_Dense-2-softmax', 'RNN-1_Dense-2-softmax', 'LSTM-1_Dense-2-softmax', 'GRU-1_Dense-2-softmax'] },
  {
    name: 'dummy_time', samples: 80,
    models: ['Flatten_Dense-64-relu_Dense-2-softmax', 'Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-2-softmax', 'RNN-10_Flatten_Dense-2-softmax', 'RNN-10_Flatten_Dense-2-softmax'],
  },
  {
    name: 'author_music', samples: 48, heavy: true, extra: { time: 0.1, samplingRate: 1000 },
    models: ['Flatten_Dense-64-relu_Dense-2-softmax', 'RNN-1-Seq_Flatten_Dense-64-relu_Dropout05_Dense-2-softmax', 'GRU-1-Seq_Flatten_Dense-64-relu_Dropout05_Dense-2-softmax'],
  },
  { name: 'captcha_mnist', samples: 64, heavy: true, models: ['Flatten_Dropout-02_Dense-64-relu_Dropout-05_Dense-10-softmax', 'Convolution-6-4_Pooling-2-2-Max_Flatten_Dense-10-softmax'] },
  {
    name: 'ptm_protein', samples: 64,
    models: ['Flatten_Dropout-02_Dense-64-relu_Dropout-03_Dense-2-softmax', 'LSTM-8_Dense-2-softmax', 'LSTM-8-Seq_Flatten_Dense-2-softmax',
      'LSTM-8-Seq_Flatten_Dropout-05_Dense-64-relu_Dropout-05_Dense-2-softmax'],
  },
];
const scripts: Record<string, typeof boolean.trainScript> = {
  dummy_boolean: boolean.trainScript, dummy_string: string.trainScript, dummy_time: time.trainScript,
  author_music: music.trainScript, captcha_mnist: (o) => captcha.trainScript({ ...o, digits: loadMnistPackage() }), ptm_protein: ptm.trainScript,
};

describe('epynnlive ports run', () => {
  for (const c of cases) {
    test(`${c.name} --variant epynnlive (2 epochs per model)`, async () => {
      expect(Object.keys(examples[c.name].variants)).toContain('epynnlive');
      const opts = { epochs: 2, samples: c.samples, quiet: true, ...c.extra };
      const { models, model } = scripts[c.name]({ ...opts, modelPath: join(dir, `${c.name}.json`) });
      expect(models.map((m) => m.name)).toEqual(c.models);
      for (const m of models) {
        expect(m.compat).toBe('epynn');
        expect(m.epochsDone).toBe(2);
        for (const values of Object.values(m.metrics)) expect(values[0].every(Number.isFinite)).toBe(true);
      }
      // the model read back is the last one
      expect(model.name).toBe(c.models.at(-1));
      expect(model.compat).toBe('epynn');
      if (c.heavy) return;
      // the same script and seed give the same data, and the same numbers when the script seeds its models
      const again = scripts[c.name]({ ...opts, modelPath: join(dir, `${c.name}-2.json`) });
      expect(Array.from(again.models[0].embedding.dtrain.X.data)).toEqual(Array.from(models[0].embedding.dtrain.X.data));
      if (c.seeded !== false) expect(again.models.map((m) => m.metrics)).toEqual(models.map((m) => m.metrics));
      // and through the example runner
      const viaRun = await examples[c.name].run({ ...opts, variant: 'epynnlive', modelPath: join(dir, `${c.name}-3.json`) } as any);
      expect(viaRun.name).toBe(c.models.at(-1));
      if (c.seeded !== false) expect(viaRun.metrics).toEqual(models.at(-1)!.metrics);
    });
  }

  test('--data FILE.json: the script trains on the prepared data in the file', () => {
    const { X_features, Y_label } = string.prepareDataset(40, new PythonRandom(9));
    const file = join(dir, 'strings.json');
    writeFileSync(file, JSON.stringify({ X_features, Y_label }));
    const { models } = string.trainScript({ epochs: 1, quiet: true, dataDir: file, modelPath: join(dir, 'from-file.json') });
    const emb = models[0].embedding;
    expect(emb.dtrain.X.shape[0] + emb.dval.X.shape[0] + emb.dtest.X.shape[0]).toBe(40);
    expect([...emb.e2i.keys()].sort()).toEqual(['A', 'C', 'G', 'T']);
  });

  test('data generators follow the prepare_dataset laws', () => {
    const b = boolean.prepareDataset(50, new PythonRandom(2));
    b.X_features.forEach((x, i) => expect(b.Y_label[i]).toBe(x.filter(Boolean).length > 5 ? 0 : 1));
    const s = string.prepareDataset(50, new PythonRandom(2));
    s.X_features.forEach((x, i) => expect(s.Y_label[i]).toBe(x[0] === x[11] ? 0 : 1));
    const t = time.prepareDataset(50, { random: new PythonRandom(2), np: { random: new RandomState(2) } });
    expect(t.X_features[0].shape).toEqual([128, 1]);
    expect(new Set(t.Y_label)).toEqual(new Set([0, 1]));
  });
});
