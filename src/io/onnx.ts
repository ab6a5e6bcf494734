// ONNX export: the portable description (portable.ts) as an ONNX model (opset 13, float32), encoded
// with the small protobuf writer of protobuf.ts. Browser-safe: returns bytes; src/node/formats.ts
// writes the file.
//
// The graph keeps EpyNN's layouts at its edges: input "input" (N, ...inputShape) — images NHWC
// (N, h, w, d), sequences (N, s, e) — and output "output". Inside:
//   Convolution -> Transpose(NHWC->NCHW), Conv(W as (u, d, fh, fw), pads p, strides), Transpose back
//   Pooling     -> Transpose, MaxPool / AveragePool, Transpose back
//   Flatten     -> Flatten(axis 1) on NHWC, so the order is EpyNN's (h, w, d)
//   Dense       -> MatMul(W) + Add(b); softmax with temperature T folded as W/T, b/T
//   Dropout     -> nothing (identity at inference)
//   RNN / LSTM / GRU -> Transpose to (s, N, e), the ONNX op (W = Uᵀ per gate, R = Vᵀ, Wb = b, Rb = 0;
//                 gates ordered i, o, f, c for LSTM and z, r, h for GRU with linear_before_reset 0),
//                 then Y_h (last state) or Y (every step) squeezed and transposed back to (N, s, u)
//   BatchNormalization -> BatchNormalization (inference: the running mean and variance; γ = 1 / β = 0 when
//                 absent) on the channels moved to axis 1 (Transpose for (N, h, w, d) and (N, s, d))
//   LayerNormalization -> its decomposition (the operator needs opset 17): μ = ReduceMean over the last
//                 axis or three, D = X − μ, σ² = ReduceMean(D·D), X̂ = D / Sqrt(σ² + ε), then · γ + β
//   activations -> Relu, Sigmoid, Tanh, Softmax(axis −1), Elu(alpha), LeakyRelu(alpha); identity: none
// ONNX runtimes usually fold the back-to-back transposes away.
import { EpyNNError } from '../errors.js';
import type { NDArray } from '../commons/ndarray.js';
import type { EpyNN } from '../network/models.js';
import { type PortableActivation, type PortableModel, describeModel } from './portable.js';
import { ProtoWriter } from './protobuf.js';

/** The opset the exported models import (default domain). */
export const ONNX_OPSET = 13;
/** IR version 7 goes with opset 13. */
export const ONNX_IR_VERSION = 7;

const FLOAT = 1;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7, STRINGS: 8 } as const;

type Attr = { name: string } & ({ f: number } | { i: number } | { s: string } | { ints: number[] } | { strings: string[] });

function attribute(a: Attr): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name); // name = 1
  if ('f' in a) w.float(2, a.f).int(20, ATTR.FLOAT); // f = 2, type = 20
  else if ('i' in a) w.int(3, a.i).int(20, ATTR.INT); // i = 3
  else if ('s' in a) w.string(4, a.s).int(20, ATTR.STRING); // s = 4
  else if ('ints' in a) {
    for (const v of a.ints) w.int(8, v); // ints = 8
    w.int(20, ATTR.INTS);
  } else {
    for (const v of a.strings) w.string(9, v); // strings = 9
    w.int(20, ATTR.STRINGS);
  }
  return w;
}

function tensorFloat(name: string, dims: number[], values: ArrayLike<number>): ProtoWriter {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  const w = new ProtoWriter();
  for (const d of dims) w.int(1, d); // dims = 1
  return w.int(2, FLOAT).string(8, name).bytes(9, raw); // data_type = 2, name = 8, raw_data = 9
}

function tensorInt64(name: string, values: number[]): ProtoWriter {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return new ProtoWriter().int(1, values.length).int(2, INT64).string(8, name).bytes(9, raw);
}

/** ValueInfoProto of a float tensor; a string dimension is symbolic (the batch). */
function valueInfo(name: string, shape: (number | string)[]): ProtoWriter {
  const dims = new ProtoWriter();
  for (const d of shape) dims.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d)); // dim: dim_value = 1 / dim_param = 2
  const tensor = new ProtoWriter().int(1, FLOAT).message(2, dims); // elem_type = 1, shape = 2
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor)); // name, type.tensor_type
}

/** Builds the graph: nodes and initializers with unique names. */
class GraphBuilder {
  nodes: ProtoWriter[] = [];
  initializers: ProtoWriter[] = [];
  private n = 0;

  fresh(base: string): string {
    return `${base}_${++this.n}`;
  }

  node(op: string, inputs: string[], attrs: Attr[] = [], outputs?: string[]): string[] {
    const outs = outputs ?? [this.fresh(op.toLowerCase())];
    const w = new ProtoWriter();
    for (const i of inputs) w.string(1, i); // input = 1
    for (const o of outs) w.string(2, o); // output = 2
    w.string(3, this.fresh(`${op}_node`)).string(4, op); // name = 3, op_type = 4
    for (const a of attrs) w.message(5, attribute(a)); // attribute = 5
    this.nodes.push(w);
    return outs;
  }

  float(base: string, dims: number[], values: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.initializers.push(tensorFloat(name, dims, values));
    return name;
  }

  int64(base: string, values: number[]): string {
    const name = this.fresh(base);
    this.initializers.push(tensorInt64(name, values));
    return name;
  }

  activation(x: string, a: PortableActivation): string {
    switch (a.name) {
      case 'linear':
        return x;
      case 'relu':
        return this.node('Relu', [x])[0];
      case 'sigmoid':
        return this.node('Sigmoid', [x])[0];
      case 'tanh':
        return this.node('Tanh', [x])[0];
      case 'softmax':
        return this.node('Softmax', [x])[0]; // opset 13: over the last axis by default
      case 'elu':
        return this.node('Elu', [x], [{ name: 'alpha', f: a.alpha ?? 1 }])[0];
      case 'leaky_relu':
        return this.node('LeakyRelu', [x], [{ name: 'alpha', f: a.alpha ?? 0.3 }])[0];
    }
  }
}

const ONNX_ACT: Record<string, string> = { tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'Relu' };

/** Wᵀ blocks stacked: for gates [G1, G2, ...] of (e, u) arrays, (k·u, e) values with row j of gate g = column j of G_g. */
function stackTransposed(parts: NDArray[]): Float64Array {
  const [e, u] = parts[0].shape;
  const out = new Float64Array(parts.length * u * e);
  parts.forEach((P, g) => {
    for (let j = 0; j < u; j++) for (let k = 0; k < e; k++) out[(g * u + j) * e + k] = P.data[k * u + j];
  });
  return out;
}

/** [b_1, ..., b_k, zeros(k·u)]: ONNX's Wb then Rb. */
function stackBias(parts: NDArray[]): Float64Array {
  const u = parts[0].size;
  const out = new Float64Array(2 * parts.length * u);
  parts.forEach((b, g) => out.set(b.data, g * u));
  return out;
}

/**
 * The model as ONNX bytes (opset 13, float32): input "input" (N, ...inputShape) in EpyNN's layout
 * (NHWC images), output "output". The Embedding's preprocessing is in the metadata entry "epynn"
 * (JSON; see `preprocess`). Throws an EpyNNError naming the layer for what has no ONNX form.
 */
export function toONNX(model: EpyNN): Uint8Array {
  return portableToONNX(describeModel(model, 'toONNX'));
}

/** The ONNX bytes of a portable description. */
export function portableToONNX(desc: PortableModel): Uint8Array {
  const g = new GraphBuilder();
  let x = 'input';
  let shape = [...desc.inputShape]; // without the batch axis
  const toNCHW = (t: string): string => g.node('Transpose', [t], [{ name: 'perm', ints: [0, 3, 1, 2] }])[0];
  const toNHWC = (t: string): string => g.node('Transpose', [t], [{ name: 'perm', ints: [0, 2, 3, 1] }])[0];
  const swap01 = (t: string): string => g.node('Transpose', [t], [{ name: 'perm', ints: [1, 0, 2] }])[0];

  desc.layers.forEach((l, i) => {
    const w = `toONNX: layer ${i + 1} (${l.kind})`;
    switch (l.kind) {
      case 'Conv2D': {
        const [fh, fw, d, u] = l.p.W.shape;
        const W = new Float64Array(u * d * fh * fw); // (u, d, fh, fw) from EpyNN's (fh, fw, d, u)
        for (let ih = 0; ih < fh; ih++) for (let iw = 0; iw < fw; iw++) for (let id = 0; id < d; id++) for (let iu = 0; iu < u; iu++) {
          W[((iu * d + id) * fh + ih) * fw + iw] = l.p.W.data[((ih * fw + iw) * d + id) * u + iu];
        }
        const inputs = [toNCHW(x), g.float('W', [u, d, fh, fw], W)];
        if (l.p.b !== null) inputs.push(g.float('B', [u], l.p.b.data));
        const p = l.padding;
        const conv = g.node('Conv', inputs, [
          { name: 'kernel_shape', ints: [fh, fw] }, { name: 'strides', ints: l.strides }, { name: 'pads', ints: [p, p, p, p] },
        ])[0];
        x = g.activation(toNHWC(conv), l.activation);
        shape = [Math.floor((shape[0] + 2 * p - fh) / l.strides[0]) + 1, Math.floor((shape[1] + 2 * p - fw) / l.strides[1]) + 1, u];
        break;
      }
      case 'Pool2D': {
        const pooled = g.node(l.op === 'max' ? 'MaxPool' : 'AveragePool', [toNCHW(x)], [{ name: 'kernel_shape', ints: l.size }, { name: 'strides', ints: l.strides }])[0];
        x = toNHWC(pooled);
        shape = [Math.floor((shape[0] - l.size[0]) / l.strides[0]) + 1, Math.floor((shape[1] - l.size[1]) / l.strides[1]) + 1, shape[2]];
        break;
      }
      case 'Flatten':
        x = g.node('Flatten', [x], [{ name: 'axis', i: 1 }])[0];
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'Dropout':
        break; // identity at inference
      case 'Dense': {
        const [n, u] = l.p.W.shape;
        if (shape.length !== 1 || shape[0] !== n) throw new EpyNNError(`${w}: takes ${n} features but receives samples of shape (${shape.join(', ')})`);
        const z = g.node('Add', [g.node('MatMul', [x, g.float('W', [n, u], l.p.W.data)])[0], g.float('b', [u], l.p.b.data)])[0];
        x = g.activation(z, l.activation);
        shape = [u];
        break;
      }
      case 'BatchNorm': {
        const r = shape.length + 1; // with the batch axis
        const C = shape[shape.length - 1];
        const p = l.p;
        // ONNX normalizes axis 1: the channels (last) moved there and back
        const first = r === 2 ? x : g.node('Transpose', [x], [{ name: 'perm', ints: [0, r - 1, ...Array.from({ length: r - 2 }, (_, k) => k + 1)] }])[0];
        const bn = g.node('BatchNormalization', [
          first,
          g.float('scale', [C], p.gamma?.data ?? new Float64Array(C).fill(1)),
          g.float('B', [C], p.beta?.data ?? new Float64Array(C)),
          g.float('mean', [C], p.mean.data),
          g.float('var', [C], p.var.data),
        ], [{ name: 'epsilon', f: l.epsilon }])[0];
        x = r === 2 ? bn : g.node('Transpose', [bn], [{ name: 'perm', ints: [0, ...Array.from({ length: r - 2 }, (_, k) => k + 2), 1] }])[0];
        break;
      }
      case 'LayerNorm': {
        const r = shape.length + 1; // with the batch axis; the trailing axes as non-negative (the protobuf writer's ints)
        const axes = Array.from({ length: l.axes }, (_, k) => r - l.axes + k);
        const mean = (t: string): string => g.node('ReduceMean', [t], [{ name: 'axes', ints: axes }, { name: 'keepdims', i: 1 }])[0];
        const D = g.node('Sub', [x, mean(x)])[0];
        const v = mean(g.node('Mul', [D, D])[0]);
        const den = g.node('Sqrt', [g.node('Add', [v, g.float('epsilon', [], [l.epsilon])])[0]])[0];
        let y = g.node('Div', [D, den])[0];
        const G = shape.slice(shape.length - l.axes);
        if (l.p.gamma !== null) y = g.node('Mul', [y, g.float('gamma', G, l.p.gamma.data)])[0];
        if (l.p.beta !== null) y = g.node('Add', [y, g.float('beta', G, l.p.beta.data)])[0];
        x = y;
        break;
      }
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU': {
        const [s, e] = shape;
        const u = l.units;
        let U: NDArray[];
        let V: NDArray[];
        let b: NDArray[];
        let op: string;
        let activations: string[];
        const attrs: Attr[] = [{ name: 'hidden_size', i: u }];
        if (l.kind === 'SimpleRNN') {
          [U, V, b, op, activations] = [[l.p.U], [l.p.V], [l.p.b], 'RNN', [ONNX_ACT[l.activation.name]]];
        } else if (l.kind === 'LSTM') {
          const p = l.p;
          [U, V, b, op] = [[p.Ui, p.Uo, p.Uf, p.Ug], [p.Vi, p.Vo, p.Vf, p.Vg], [p.bi, p.bo, p.bf, p.bg], 'LSTM'];
          activations = [ONNX_ACT[l.recurrentActivation.name], ONNX_ACT[l.activation.name], ONNX_ACT[l.activation.name]];
        } else {
          const p = l.p;
          [U, V, b, op] = [[p.Uz, p.Ur, p.Uhh], [p.Vz, p.Vr, p.Vhh], [p.bz, p.br, p.bhh], 'GRU'];
          activations = [ONNX_ACT[l.recurrentActivation.name], ONNX_ACT[l.activation.name]];
          attrs.push({ name: 'linear_before_reset', i: 0 });
        }
        attrs.push({ name: 'activations', strings: activations });
        const k = U.length;
        const inputs = [swap01(x), g.float('W', [1, k * u, e], stackTransposed(U)), g.float('R', [1, k * u, u], stackTransposed(V)), g.float('B', [1, 2 * k * u], stackBias(b))];
        if (l.sequences) {
          const [Y] = g.node(op, inputs, attrs, [g.fresh('Y'), g.fresh('Y_h')]); // Y (s, 1, N, u)
          const squeezed = g.node('Squeeze', [Y, g.int64('axes', [1])])[0]; // (s, N, u)
          x = swap01(squeezed); // (N, s, u)
          shape = [s, u];
        } else {
          const [, Yh] = g.node(op, inputs, attrs, ['', g.fresh('Y_h')]); // Y_h (1, N, u)
          x = g.node('Squeeze', [Yh, g.int64('axes', [0])])[0]; // (N, u)
          shape = [u];
        }
        break;
      }
    }
  });
  g.node('Identity', [x], [], ['output']);

  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.message(1, n); // node = 1
  graph.string(2, desc.name || 'epynn'); // name = 2
  for (const t of g.initializers) graph.message(5, t); // initializer = 5
  graph.message(11, valueInfo('input', ['N', ...desc.inputShape])); // input = 11
  graph.message(12, valueInfo('output', ['N', ...shape])); // output = 12

  const model = new ProtoWriter()
    .int(1, ONNX_IR_VERSION) // ir_version = 1
    .string(2, 'epynn-ts') // producer_name = 2
    .string(3, '0.1.0') // producer_version = 3
    .message(7, graph) // graph = 7
    .message(8, new ProtoWriter().string(1, '').int(2, ONNX_OPSET)) // opset_import = 8: domain '', version
    .message(14, new ProtoWriter().string(1, 'epynn').string(2, JSON.stringify(desc.preprocessing))); // metadata_props = 14
  return model.finish();
}
