// Issue 25's "done when": a trained BatchNormalization CNN (examples/captcha_mnist --variant batchnorm,
// real digits) round-trips through our JSON (the same bits), TF.js (tf.loadLayersModel, and fromTFJS
// back into epynn-ts) and ONNX (onnxruntime-node) with the same predictions: the same decisions, and
// probabilities within rtol 1e-6 with the interop tests' atol 1e-6 for the float32 runtimes. Measured
// (commit of this file): the runtimes' float32 arithmetic (the Dense sums 4,608 terms) leaves 2–8e-7
// absolute on probabilities of 0.06–0.5, up to 1.7e-6 relative, the same against our float64 model and
// against fromTFJS's (float32 weights, float64 arithmetic); fromTFJS's model itself is within 1.4e-7.
import { beforeAll, describe, expect, it } from 'vitest';
import { EpyNN, NDArray, fromTFJS, toONNX, toTFJS } from '../../src/index.js';
import { run as captchaMnist } from '../../examples/captcha_mnist/train.js';
import { f32, mismatches, ort, tf, tfl } from './runtimes.js';

const TOL = { rtol: 1e-6, atol: 1e-6 };

let model: EpyNN;
let X: NDArray;
let expected: Float64Array;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = await captchaMnist({ variant: 'batchnorm', samples: 500, epochs: 2, quiet: true });
  // 100 held-out digits, scaled as the network saw them, rounded to float32 as the runtimes take them
  // (the rounding of the inputs is not the export's: every comparison starts from the same numbers)
  const held = model.embedding.dval.X;
  X = new NDArray(Float64Array.from(f32(held.data)), held.shape);
  expected = model.predict(X, { XScale: false }).A.data;
}, 300_000);

const argmax = (a: ArrayLike<number>, k: number): number[] =>
  Array.from({ length: a.length / k }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (a[i * k + j] > a[i * k + best]) best = j;
    return best;
  });

/** The largest |a − e| / (atol + |e|·rtol) ratio, for the report. */
const worst = (a: ArrayLike<number>, e: ArrayLike<number>): number => Math.max(...Array.from(e, (v, i) => Math.abs(a[i] - v) / (TOL.atol + TOL.rtol * Math.abs(v))));

describe('a trained BatchNormalization CNN round-trips with the same predictions', () => {
  it('the model trained (running statistics moved, far above chance)', () => {
    expect(Array.from(model.layers[2].p.mean.data).some((v) => v !== 0)).toBe(true);
    const decisions = argmax(expected, 10);
    const labels = argmax(model.embedding.dval.Y!.data, 10);
    expect(decisions.filter((d, i) => d === labels[i]).length).toBeGreaterThan(60);
  });

  it('our JSON: the same bits', () => {
    const back = EpyNN.fromJSON(JSON.stringify(model.toJSON()));
    expect(Array.from(back.predict(X, { XScale: false }).A.data)).toEqual(Array.from(expected));
  });

  it('TF.js: tf.loadLayersModel predicts the same (rtol 1e-6), and fromTFJS reads it back', async () => {
    const { modelJSON, weightData } = toTFJS(model);
    const json = JSON.parse(JSON.stringify(modelJSON));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData, userDefinedMetadata: json.userDefinedMetadata }));
    const x = tf.tensor(f32(X.data), X.shape);
    const y = loaded.predict(x) as ReturnType<typeof tf.tensor>;
    const got = (await y.data()) as Float32Array;
    x.dispose();
    y.dispose();
    loaded.dispose();
    const back = fromTFJS(json, weightData);
    const again = back.predict(X, { XScale: false }).A.data;
    expect(argmax(got, 10)).toEqual(argmax(expected, 10));
    expect(mismatches(got, expected, TOL), `worst ratio ${worst(got, expected)}`).toBe('');
    // fromTFJS: float32 weights (the running statistics too), float64 arithmetic: within 1e-6 with no atol
    expect(back.layers[2].name).toBe('BatchNormalization');
    expect(argmax(again, 10)).toEqual(argmax(expected, 10));
    expect(mismatches(again, expected, { rtol: 1e-6, atol: 0 }), `worst ratio ${worst(again, expected)}`).toBe('');
  });

  it('ONNX: onnxruntime-node predicts the same (rtol 1e-6)', async () => {
    const s = await ort.InferenceSession.create(toONNX(model));
    const out = await s.run({ input: new ort.Tensor('float32', f32(X.data), X.shape) });
    const got = out.output.data as Float32Array;
    await s.release();
    expect(argmax(got, 10)).toEqual(argmax(expected, 10));
    expect(mismatches(got, expected, TOL), `worst ratio ${worst(got, expected)}`).toBe('');
  });
});
