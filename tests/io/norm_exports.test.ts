// BatchNormalization and LayerNormalization in the interchange formats, without their runtimes (those
// run in interop/): the Keras layers and weights written, what fromTFJS reads back (Keras's positive
// axes too), the ONNX operators; refusals.
import { describe, expect, it } from 'vitest';
import { BatchNormalization } from '../../src/batchnorm/models.js';
import { EpyNNError } from '../../src/errors.js';
import { LayerNormalization } from '../../src/layernorm/models.js';
import { toONNX } from '../../src/io/onnx.js';
import { type TFJSModelJSON, fromTFJS, toTFJS } from '../../src/io/tfjs.js';
import { zoo, samples } from './export_models.js';

/** Field number -> values of one protobuf message (varints, bytes; enough for node op types). */
function decode(bytes: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const out = new Map<number, (number | Uint8Array)[]>();
  let o = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = bytes[o++];
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return v;
    }
  };
  while (o < bytes.length) {
    const key = varint();
    const wire = key % 8;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const n = varint();
      value = bytes.subarray(o, o + n);
      o += n;
    } else if (wire === 5) {
      value = new DataView(bytes.buffer, bytes.byteOffset + o, 4).getFloat32(0, true);
      o += 4;
    } else throw new Error(`wire type ${wire}`);
    out.set(Math.floor(key / 8), [...(out.get(Math.floor(key / 8)) ?? []), value]);
  }
  return out;
}
const text = (b: number | Uint8Array): string => new TextDecoder().decode(b as Uint8Array);
const opsOf = (bytes: Uint8Array): string[] => decode(decode(bytes).get(7)![0] as Uint8Array).get(1)!.map((n) => text(decode(n as Uint8Array).get(4)![0]));

type KerasLayers = { class_name: string; config: Record<string, unknown> }[];
const kerasLayers = (json: TFJSModelJSON): KerasLayers => (json.modelTopology.config as { layers: KerasLayers }).layers;

describe('toTFJS / fromTFJS with normalization layers', () => {
  it('BatchNormalization: axis −1, Keras momentum 1 − ours, epsilon, only the weights the layer has', () => {
    const { modelJSON } = toTFJS(zoo.conv_batchnorm());
    const bn = kerasLayers(modelJSON).filter((l) => l.class_name === 'BatchNormalization');
    expect(bn.map((l) => [l.config.axis, l.config.momentum, l.config.epsilon, l.config.center, l.config.scale])).toEqual([
      [-1, 0.8, 1e-3, true, true], [-1, 0.9, 1e-5, false, true], [-1, 0.9, 1e-5, true, false],
    ]);
    const names = modelJSON.weightsManifest[0].weights.map((w) => `${w.name} ${JSON.stringify(w.shape)}`).filter((n) => n.startsWith('batch'));
    expect(names).toEqual([
      'batch_normalization_1/gamma [3]', 'batch_normalization_1/beta [3]', 'batch_normalization_1/moving_mean [3]', 'batch_normalization_1/moving_variance [3]',
      'batch_normalization_2/gamma [4]', 'batch_normalization_2/moving_mean [4]', 'batch_normalization_2/moving_variance [4]',
      'batch_normalization_3/beta [4]', 'batch_normalization_3/moving_mean [4]', 'batch_normalization_3/moving_variance [4]',
    ]);
  });

  it('LayerNormalization: axis −1 or [−3, −2, −1], γ and β of the normalized shape', () => {
    const { modelJSON } = toTFJS(zoo.conv_layernorm());
    const ln = kerasLayers(modelJSON).filter((l) => l.class_name === 'LayerNormalization');
    expect(ln.map((l) => [l.config.axis, l.config.epsilon, l.config.center, l.config.scale])).toEqual([[[-3, -2, -1], 1e-5, true, true], [-1, 1e-5, false, true], [-1, 1e-3, true, false]]);
    const shapes = modelJSON.weightsManifest[0].weights.filter((w) => w.name.startsWith('layer_norm')).map((w) => `${w.name} ${JSON.stringify(w.shape)}`);
    expect(shapes).toEqual(['layer_normalization_1/gamma [4,4,3]', 'layer_normalization_1/beta [4,4,3]', 'layer_normalization_2/gamma [3]', 'layer_normalization_3/beta [4]']);
  });

  for (const name of ['conv_batchnorm', 'conv_layernorm', 'rnn_sequences_norm'] as const) {
    it(`${name}: read back with the same options and float32-rounded parameters (running statistics too)`, () => {
      const m = zoo[name]();
      const { modelJSON, weightData } = toTFJS(m);
      const back = fromTFJS(JSON.parse(JSON.stringify(modelJSON)), weightData);
      expect(back.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
      m.layers.forEach((layer, i) => {
        if (layer instanceof BatchNormalization || layer instanceof LayerNormalization) expect(back.layers[i].toConfig()).toEqual(layer.toConfig());
        for (const [k, P] of Object.entries(layer.p)) expect(Array.from(back.layers[i].p[k].data), `layer ${i} p.${k}`).toEqual(Array.from(P.data, Math.fround));
      });
    });
  }

  it("Keras's positive axes (what Python Keras writes after building) are read as the trailing axes", () => {
    const { modelJSON, weightData } = toTFJS(zoo.conv_layernorm());
    const layers = kerasLayers(modelJSON);
    const lns = layers.filter((l) => l.class_name === 'LayerNormalization');
    lns[0].config.axis = [1, 2, 3];
    lns[1].config.axis = [3];
    lns[2].config.axis = 1; // after Flatten and Dense: (N, 4)
    const back = fromTFJS(modelJSON, weightData);
    expect(back.layers.filter((l) => l instanceof LayerNormalization).map((l) => (l as LayerNormalization).axis)).toEqual([[-3, -2, -1], -1, -1]);
  });

  it('refuses what EpyNN has no form for, naming the layer', () => {
    const bad = (edit: (layers: KerasLayers) => void, message: RegExp): void => {
      const { modelJSON, weightData } = toTFJS(zoo.conv_batchnorm());
      edit(kerasLayers(modelJSON));
      expect(() => fromTFJS(modelJSON, weightData)).toThrow(EpyNNError);
      expect(() => fromTFJS(modelJSON, weightData)).toThrow(message);
    };
    bad((l) => (l[1].config.axis = 1), /fromTFJS: layer 1 \(BatchNormalization 'batch_normalization_1'\): axis 1: EpyNN's BatchNormalization normalizes over the last axis \(the channels\) only/);
    bad((l) => (l[1].config.axis = [1, 2]), /axis \[1,2\]/);
    const { modelJSON, weightData } = toTFJS(zoo.conv_layernorm());
    kerasLayers(modelJSON)[1].config.axis = [-2, -1];
    expect(() => fromTFJS(modelJSON, weightData)).toThrow(/LayerNormalization 'layer_normalization_1'\): axis \[-2,-1\]: EpyNN's LayerNormalization normalizes the last axis or the last three/);
  });
});

describe('toONNX with normalization layers', () => {
  it('BatchNormalization on the channels moved to axis 1; LayerNormalization as its decomposition', () => {
    expect(opsOf(toONNX(zoo.conv_batchnorm()))).toEqual([
      'Transpose', 'Conv', 'Transpose', 'Relu', 'Transpose', 'BatchNormalization', 'Transpose', 'Transpose', 'MaxPool', 'Transpose', 'Flatten',
      'MatMul', 'Add', 'Tanh', 'BatchNormalization', 'BatchNormalization', 'MatMul', 'Add', 'Softmax', 'Identity',
    ]);
    const ln = ['ReduceMean', 'Sub', 'Mul', 'ReduceMean', 'Add', 'Sqrt', 'Div'];
    expect(opsOf(toONNX(zoo.conv_layernorm()))).toEqual([
      'Transpose', 'Conv', 'Transpose', 'Tanh', ...ln, 'Mul', 'Add', ...ln, 'Mul', 'Flatten', 'MatMul', 'Add', 'Relu', ...ln, 'Add', 'MatMul', 'Add', 'Softmax', 'Identity',
    ]);
  });

  it('a model with them predicts at float64 before export (the exports are checked by the runtimes in interop/)', () => {
    const m = zoo.conv_batchnorm();
    const A = m.predict(samples(3, [6, 6, 2], 5)).A;
    expect(A.shape).toEqual([3, 2]);
    expect(Array.from(A.data).every(Number.isFinite)).toBe(true);
  });
});
