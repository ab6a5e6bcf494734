// epynn-ts's TF.js export and import checked by TensorFlow.js itself (tfjs-layers 4.22, CPU backend).
import { beforeAll, describe, expect, it } from 'vitest';
import { type EpyNN, type NDArray, fromTFJS, toTFJS, preprocess } from '../../src/index.js';
import { run as dummyTime } from '../../examples/dummy_time/train.js';
import { run as captchaMnist } from '../../examples/captcha_mnist/train.js';
import { samples, zoo } from '../../tests/io/export_models.js';
import { f32, mismatches, tf, tfl } from './runtimes.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The exported model loaded by tf.loadLayersModel. */
async function load(model: EpyNN) {
  const { modelJSON, weightData } = toTFJS(model);
  // through a JSON string, as from a file
  const json = JSON.parse(JSON.stringify(modelJSON));
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData, userDefinedMetadata: json.userDefinedMetadata }));
}

async function tfPredict(m: Awaited<ReturnType<typeof load>>, X: NDArray): Promise<Float32Array> {
  const x = tf.tensor(f32(X.data), X.shape);
  const y = m.predict(x) as ReturnType<typeof tf.tensor>;
  const out = (await y.data()) as Float32Array;
  x.dispose();
  y.dispose();
  return out;
}

const inputShape = (m: EpyNN): number[] => m.embedding.fs.X!.slice(1);

describe('tf.loadLayersModel predicts like epynn-ts (rtol 1e-4)', () => {
  for (const [name, make] of Object.entries(zoo)) {
    it(name, async () => {
      const m = make();
      const X = samples(6, inputShape(m), 11);
      const loaded = await load(m);
      const got = await tfPredict(loaded, X);
      expect(mismatches(got, m.predict(X).A!.data)).toBe('');
      loaded.dispose();
    });
  }

  it("dummy_time's RNN (softmax temperature 5 folded into the weights), trained 3 epochs", async () => {
    const m = dummyTime({ variant: 'rnn', epochs: 3, samples: 128, quiet: true });
    expect(m.layers[m.layers.length - 1].hPars.softmax_temperature).toBe(5);
    const X = m.embedding.dval.X;
    const loaded = await load(m);
    expect(mismatches(await tfPredict(loaded, X), m.predict(X).A!.data)).toBe('');
    // the Embedding's settings travel in the metadata
    expect(loaded.getUserDefinedMetadata()).toMatchObject({ epynn: { format: 'epynn-ts/preprocess', labelColumns: 2, YEncode: true } });
    loaded.dispose();
  });

  it('the MNIST CNN of examples/captcha_mnist trained one epoch on 500 real digits', async () => {
    const m = await captchaMnist({ samples: 500, epochs: 1, quiet: true });
    const loaded = await load(m);
    const X = m.embedding.dval.X; // 100 held-out digits, as the network saw them (scaled)
    expect(mismatches(await tfPredict(loaded, X), m.predict(X, { XScale: false }).A!.data)).toBe('');
    // the training data's scaling travels in the metadata: preprocess(meta, X) is what predict(X) feeds the network
    const meta = loaded.getUserDefinedMetadata() as never;
    expect(meta).toMatchObject({ epynn: { XScale: true, labelColumns: 10, inputShape: [28, 28, 1] } });
    expect(mismatches(await tfPredict(loaded, preprocess(meta, X)), m.predict(X).A!.data)).toBe('');
    loaded.dispose();
  });

  it('one-hot encoded sequences through preprocess(): the same predictions', async () => {
    const { Embedding, EpyNN, LSTM, Dense, softmax } = await import('../../src/index.js');
    const X = Array.from({ length: 20 }, (_, i) => Array.from({ length: 5 }, (_, j) => 'ACGT'[(i * 7 + j * 3) % 4]));
    const m = new EpyNN([new Embedding({ XData: X, YData: X.map((s) => (s[0] === 'A' ? 1 : 0)), XEncode: true, YEncode: true }), new LSTM({ unitCells: 3 }), new Dense({ units: 2, activate: softmax })], 'seq');
    m.initialize({ quiet: true, seed: 2 });
    m.train({ epochs: 2, quiet: true });
    const loaded = await load(m);
    const raw = [['G', 'A', 'T', 'T', 'C'], ['A', 'A', 'A', 'C', 'G']];
    const P = preprocess(loaded.getUserDefinedMetadata() as never, raw);
    expect(mismatches(await tfPredict(loaded, P), m.predict(raw, { XEncode: true }).A!.data)).toBe('');
    loaded.dispose();
  });
});

describe('training in TF.js after loading', () => {
  for (const name of ['mnist_cnn', 'lstm_stack', 'gru_stack', 'conv_pad_strides_elu']) {
    it(`${name}: one epoch of fit() runs, the loss is finite and the weights move`, async () => {
      const m = zoo[name]();
      const loaded = await load(m);
      const n = 16;
      const X = samples(n, inputShape(m), 5);
      const k = (loaded.outputs[0].shape as number[])[1];
      const Y = Float32Array.from({ length: n * k }, (_, i) => (i % k === Math.floor(i / k) % k ? 1 : 0));
      const before = f32(await tfPredict(loaded, X));
      loaded.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const x = tf.tensor(f32(X.data), X.shape);
      const y = tf.tensor(Y, [n, k]);
      const h = await loaded.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
      const loss = h.history.loss as number[];
      expect(loss).toHaveLength(1);
      expect(Number.isFinite(loss[0])).toBe(true);
      const after = await tfPredict(loaded, X);
      expect(mismatches(after, before, { rtol: 0, atol: 1e-7 })).not.toBe('');
      x.dispose();
      y.dispose();
      loaded.dispose();
    });
  }
});

describe('a Keras-style model built in TF.js imports into epynn-ts and predicts the same', () => {
  /** Saves a TF.js model to memory (what model.json + weights would hold). */
  async function saved(model: ReturnType<typeof tfl.sequential>) {
    let artifacts: Parameters<Parameters<typeof tf.io.withSaveHandler>[0]>[0] | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const a = artifacts!;
    return { modelJSON: { modelTopology: a.modelTopology as Record<string, unknown>, weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs! }] }, weightData: a.weightData as ArrayBuffer };
  }

  const init = { kernelInitializer: 'glorotUniform', biasInitializer: 'randomNormal' } as const;
  const cases: Record<string, { shape: number[]; layers: () => ReturnType<typeof tfl.layers.dense>[] }> = {
    cnn: {
      shape: [10, 9, 2],
      layers: () => [
        tfl.layers.zeroPadding2d({ inputShape: [10, 9, 2], padding: 1 }),
        tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', ...init }),
        tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', ...init }),
        tfl.layers.leakyReLU({ alpha: 0.1 }),
        tfl.layers.averagePooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dropout({ rate: 0.2 }),
        tfl.layers.dense({ units: 5, activation: 'elu', ...init }),
        tfl.layers.dense({ units: 3, ...init }),
        tfl.layers.activation({ activation: 'softmax' }),
      ],
    },
    recurrent: {
      shape: [7, 4],
      layers: () => [
        tfl.layers.simpleRNN({ inputShape: [7, 4], units: 5, returnSequences: true, recurrentInitializer: 'glorotUniform', ...init }),
        tfl.layers.lstm({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', ...init }),
        tfl.layers.gru({ units: 3, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', ...init }),
        tfl.layers.dense({ units: 2, activation: 'sigmoid', ...init }),
      ],
    },
  };
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const model = tfl.sequential({ layers: c.layers() });
      const { modelJSON, weightData } = await saved(model);
      const m = fromTFJS(modelJSON, weightData);
      const X = samples(5, c.shape, 4);
      const x = tf.tensor(f32(X.data), [5, ...c.shape]);
      const want = (await (model.predict(x) as ReturnType<typeof tf.tensor>).data()) as Float32Array;
      expect(mismatches(m.predict(X).A!.data, want)).toBe('');
      model.dispose();
    });
  }

  it("refuses TF.js's default LSTM (hard_sigmoid gates) by name", async () => {
    const model = tfl.sequential({ layers: [tfl.layers.lstm({ inputShape: [3, 2], units: 2, recurrentInitializer: 'glorotUniform' })] });
    const { modelJSON, weightData } = await saved(model);
    expect(() => fromTFJS(modelJSON, weightData)).toThrow(/recurrent_activation "hard_sigmoid" has no EpyNN equivalent/);
  });
});
