// epynn-ts's ONNX export checked by ONNX Runtime itself (onnxruntime-node 1.30, CPU).
import { describe, expect, it } from 'vitest';
import { type EpyNN, type NDArray, fromTFJS, toONNX, toTFJS, preprocess } from '../../src/index.js';
import { run as dummyTime } from '../../examples/dummy_time/train.js';
import { run as captchaMnist } from '../../examples/captcha_mnist/train.js';
import { onnxOnlyZoo, samples, zoo } from '../../tests/io/export_models.js';
import { f32, mismatches, ort } from './runtimes.js';

async function session(model: EpyNN) {
  return ort.InferenceSession.create(toONNX(model));
}

async function ortPredict(s: Awaited<ReturnType<typeof session>>, X: NDArray): Promise<Float32Array> {
  const out = await s.run({ input: new ort.Tensor('float32', f32(X.data), X.shape) });
  return out.output.data as Float32Array;
}

const inputShape = (m: EpyNN): number[] => m.embedding.fs.X!.slice(1);

describe('an onnxruntime-node session predicts like epynn-ts (rtol 1e-4)', () => {
  for (const [name, make] of Object.entries({ ...zoo, ...onnxOnlyZoo })) {
    it(name, async () => {
      const m = make();
      const X = samples(6, inputShape(m), 13);
      const s = await session(m);
      expect(s.inputNames).toEqual(['input']);
      expect(s.outputNames).toEqual(['output']);
      const got = await ortPredict(s, X);
      expect(mismatches(got, m.predict(X).A!.data)).toBe('');
      await s.release();
    });
  }

  it("dummy_time's RNN (softmax temperature 5), trained 3 epochs", async () => {
    const m = dummyTime({ variant: 'rnn', epochs: 3, samples: 128, quiet: true });
    const X = m.embedding.dval.X;
    const s = await session(m);
    expect(mismatches(await ortPredict(s, X), m.predict(X).A!.data)).toBe('');
    await s.release();
  });

  it('the MNIST CNN of examples/captcha_mnist trained one epoch on 500 real digits', async () => {
    const m = await captchaMnist({ samples: 500, epochs: 1, quiet: true });
    const X = m.embedding.dval.X; // 100 held-out digits, already scaled
    const s = await session(m);
    expect(mismatches(await ortPredict(s, X), m.predict(X, { XScale: false }).A!.data)).toBe('');
    await s.release();
  });

  it('a batch of one and a batch of 50 (symbolic batch axis)', async () => {
    const m = zoo.gru_stack();
    const s = await session(m);
    for (const n of [1, 50]) {
      const X = samples(n, inputShape(m), n);
      expect(mismatches(await ortPredict(s, X), m.predict(X).A!.data)).toBe('');
    }
    await s.release();
  });

  it('the metadata carries the preprocessing; preprocess() + the session reproduce predict(raw, { XEncode })', async () => {
    const { Embedding, EpyNN, GRU, Dense, softmax } = await import('../../src/index.js');
    const X = Array.from({ length: 20 }, (_, i) => Array.from({ length: 4 }, (_, j) => 'xyz'[(i * 5 + j * 2) % 3]));
    const m = new EpyNN([new Embedding({ XData: X, YData: X.map((s) => (s[0] === 'x' ? 1 : 0)), XEncode: true, YEncode: true }), new GRU({ unitCells: 3 }), new Dense({ units: 2, activate: softmax })], 'seq');
    m.initialize({ quiet: true, seed: 3 });
    m.train({ epochs: 2, quiet: true });
    const s = await session(m);
    // onnxruntime-node does not expose metadata_props; the bytes hold the JSON once
    const text = new TextDecoder().decode(toONNX(m));
    const at = text.indexOf('{"format":"epynn-ts/preprocess"');
    expect(at).toBeGreaterThan(0);
    const meta = JSON.parse(text.slice(at, text.indexOf('}', at) + 1));
    const raw = [['z', 'y', 'x', 'x'], ['x', 'x', 'y', 'z']];
    expect(mismatches(await ortPredict(s, preprocess(meta, raw)), m.predict(raw, { XEncode: true }).A!.data)).toBe('');
    await s.release();
  });

  it('a model imported from TF.js exports to ONNX and still predicts the same', async () => {
    const m = zoo.conv_pad_strides_elu();
    const { modelJSON, weightData } = toTFJS(m);
    const back = fromTFJS(modelJSON, weightData);
    const X = samples(4, inputShape(m), 2);
    const s = await session(back);
    expect(mismatches(await ortPredict(s, X), m.predict(X).A!.data)).toBe('');
    await s.release();
  });
});
