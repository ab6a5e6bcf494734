// ONNX export without ONNX Runtime (that is checked in interop/): the protobuf writer against
// hand-computed bytes, the model's structure decoded by a small reader here, refusals; the Node
// files (writeTFJS/readTFJS/writeONNX) and `epynn export`.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EpyNNError } from '../../src/errors.js';
import { Dense } from '../../src/dense/models.js';
import { Flatten } from '../../src/flatten/models.js';
import { ONNX_OPSET, toONNX } from '../../src/io/onnx.js';
import { ProtoWriter } from '../../src/io/protobuf.js';
import { readTFJS, writeONNX, writeTFJS } from '../../src/node/formats.js';
import { Pooling } from '../../src/pooling/models.js';
import { expectClose } from '../helpers/close.js';
import { build, samples, zoo } from './export_models.js';

/** Decodes one protobuf message into field number -> values (varints as numbers, LEN as bytes, I32 as float). */
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
    const field = Math.floor(key / 8);
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
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}
const text = (b: number | Uint8Array): string => new TextDecoder().decode(b as Uint8Array);

describe('ProtoWriter', () => {
  it('encodes varints, keys, floats, strings and nested messages as the protobuf spec', () => {
    expect([...new ProtoWriter().int(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]); // the spec's example
    expect([...new ProtoWriter().int(2, 2 ** 35).finish()]).toEqual([0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect([...new ProtoWriter().string(2, 'testing').finish()]).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect([...new ProtoWriter().float(3, 1).finish()]).toEqual([0x1d, 0x00, 0x00, 0x80, 0x3f]);
    expect([...new ProtoWriter().message(3, new ProtoWriter().int(1, 150)).finish()]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect([...new ProtoWriter().int(16, 1).finish()]).toEqual([0x80, 0x01, 0x01]); // two-byte key
    expect(() => new ProtoWriter().int(1, -1)).toThrow(EpyNNError);
  });
});

describe('toONNX', () => {
  it('writes a ModelProto: IR 7, opset 13, metadata, input/output and the expected operators', () => {
    const m = zoo.conv_pad_strides_elu();
    const model = decode(toONNX(m));
    expect(model.get(1)).toEqual([7]);
    const opset = decode(model.get(8)![0] as Uint8Array);
    expect(opset.get(2)).toEqual([ONNX_OPSET]);
    const meta = decode(model.get(14)![0] as Uint8Array);
    expect(text(meta.get(1)![0])).toBe('epynn');
    expect(JSON.parse(text(meta.get(2)![0]))).toMatchObject({ format: 'epynn-ts/preprocess', inputShape: [7, 6, 3], labelColumns: 2 });
    const graph = decode(model.get(7)![0] as Uint8Array);
    const ops = graph.get(1)!.map((n) => text(decode(n as Uint8Array).get(4)![0]));
    expect(ops).toEqual(['Transpose', 'Conv', 'Transpose', 'Elu', 'Transpose', 'AveragePool', 'Transpose', 'Flatten', 'MatMul', 'Add', 'Sigmoid', 'Identity']);
    const io = (f: number): string => text(decode(graph.get(f)![0] as Uint8Array).get(1)![0]);
    expect([io(11), io(12)]).toEqual(['input', 'output']);
    // Conv weights: (u, d, fh, fw) = (4, 3, 3, 2), float32 raw data
    const W = decode(graph.get(5)![0] as Uint8Array);
    expect(W.get(1)).toEqual([4, 3, 3, 2]);
    expect(W.get(2)).toEqual([1]);
    const raw = W.get(9)![0] as Uint8Array;
    expect(raw.length).toBe(4 * 3 * 3 * 2 * 4);
    const w = m.layers[1].p.W; // (fh, fw, d, u) = (3, 2, 3, 4)
    const at = (iu: number, id: number, ih: number, iw: number): number => new DataView(raw.buffer, raw.byteOffset).getFloat32((((iu * 3 + id) * 3 + ih) * 2 + iw) * 4, true);
    expect(at(2, 1, 2, 1)).toBe(Math.fround(w.data[((2 * 2 + 1) * 3 + 1) * 4 + 2]));
  });

  it('LSTM and GRU: the ONNX operators with their activations', () => {
    for (const [name, op, acts] of [['lstm_stack', 'LSTM', ['Sigmoid', 'Tanh', 'Tanh']], ['gru_stack', 'GRU', ['Sigmoid', 'Tanh']]] as const) {
      const graph = decode(decode(toONNX(zoo[name]())).get(7)![0] as Uint8Array);
      const nodes = graph.get(1)!.map((n) => decode(n as Uint8Array));
      const rec = nodes.filter((n) => text(n.get(4)![0]) === op);
      expect(rec).toHaveLength(2);
      const attrs = rec[0].get(5)!.map((a) => decode(a as Uint8Array));
      const activations = attrs.find((a) => text(a.get(1)![0]) === 'activations')!;
      expect(activations.get(9)!.map(text)).toEqual(acts);
    }
  });

  it('refuses what ONNX cannot express, naming the layer', () => {
    const m = build('min', [4, 4, 1], [new Pooling({ poolSize: 2, pool: 'min' }), new Flatten(), new Dense({ units: 2 })]);
    expect(() => toONNX(m)).toThrow(/toONNX: layer 1 \(Pooling\): min pooling has no Keras layer and no ONNX operator/);
  });
});

describe('Node files and epynn export', () => {
  it('writeTFJS / readTFJS round trip through a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epynn-tfjs-'));
    const m = zoo.gru_stack();
    const file = writeTFJS(m, join(dir, 'out'));
    expect(file).toBe(join(dir, 'out', 'model.json'));
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([expect.stringMatching(/^group1-shard1of1\.[0-9a-f]{16}\.bin$/), 'model.json']);
    const X = samples(4, [6, 3], 9);
    expectClose(readTFJS(join(dir, 'out')).predict(X).A!, m.predict(X).A!, 'readTFJS(dir)', { rtol: 1e-4, atol: 1e-6 });
    expectClose(readTFJS(file).predict(X).A!, readTFJS(join(dir, 'out')).predict(X).A!, 'readTFJS(model.json)');
    expect(() => readTFJS(join(dir, 'nothing'))).toThrow(/readTFJS: no such file: .*nothing/);
  });

  it('writeONNX writes the bytes of toONNX', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epynn-onnx-'));
    const m = zoo.dense_identity_relu();
    const path = writeONNX(m, join(dir, 'm.onnx'));
    expect(new Uint8Array(readFileSync(path))).toEqual(toONNX(m));
  });

  it('epynn export --format tfjs|onnx <model.json> <out>', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epynn-export-cli-'));
    const m = zoo.rnn_stack();
    const saved = m.write(join(dir, 'model.json'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await main(['export', '--format', 'tfjs', saved, join(dir, 'tfjs')], io)).toBe(0);
    expect(out.join('\n')).toContain(`TF.js model written to ${join(dir, 'tfjs', 'model.json')}`);
    expect(readdirSync(join(dir, 'tfjs')).sort()).toEqual([expect.stringMatching(/^group1-shard1of1\.[0-9a-f]{16}\.bin$/), 'model.json']);
    const X = samples(3, [5, 3], 1);
    expectClose(readTFJS(join(dir, 'tfjs')).predict(X).A!, m.predict(X).A!, 'exported by the CLI', { rtol: 1e-4, atol: 1e-6 });
    expect(await main(['export', '--format=onnx', saved, join(dir, 'm.onnx')], io)).toBe(0);
    expect(new Uint8Array(readFileSync(join(dir, 'm.onnx')))).toEqual(toONNX(m));
    expect(await main(['export', '--format', 'keras', saved, join(dir, 'x')], io)).toBe(2);
    expect(err.join('\n')).toContain('--format must be tfjs, onnx or pytorch, got "keras"');
    expect(err.join('\n')).toContain('usage: epynn export --format tfjs|onnx|pytorch [--data] <model.json> <out>');
    out.length = 0;
    expect(await main(['help', 'export'], io)).toBe(0);
    expect(out.join('\n')).toContain('--format onnx  <out> is a file');
    expect(await main(['export', '--help'], io)).toBe(0);
    expect(err.join('\n')).not.toContain('undefined');
    expect(await main(['export', '--format', 'onnx', saved], io)).toBe(2);
    expect(await main(['export', '--format', 'onnx', join(dir, 'missing.json'), join(dir, 'y.onnx')], io)).toBe(1);
    expect(err.join('\n')).toContain('no such file');
  });
});
