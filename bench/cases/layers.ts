// Dense (m=32, 784→64→10) and RNN/LSTM/GRU (m=32, 20 steps, 16 features, 32 cells), forward +
// backward + gradients, against the same layers written as plain GEMM calls (bench/reference.ts).
import { relu, softmax } from '../../src/activation/functions.js';
import type { Layer } from '../../src/commons/models.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { Dense } from '../../src/dense/models.js';
import { GATES, type RecurrentKind, plainGemmDense, plainGemmRecurrent } from '../reference.js';
import { randomArray, time } from '../timing.js';
import type { BenchCase, BenchOptions, Row } from '../types.js';

const TARGET = 'within 2× of plain GEMM';

/**
 * forward + backward + computeGradients through a stack of layers (no update). `reuse`: the layers reuse
 * their buffers from call to call (Layer.reuseOutputs), as they do during train(): resident in the
 * WebAssembly memory on 'wasm', plain reused arrays on 'js'.
 */
function fwdBwd(layers: Layer[], X: NDArray, reuse = false): () => void {
  let A = X;
  for (const l of layers) {
    l.reuseOutputs = reuse;
    l.computeShapes(A);
    l.initializeParameters();
    A = l.forward(A);
  }
  const dA = new NDArray(randomArray(A.size, 3), A.shape);
  return () => {
    let a = X;
    for (const l of layers) a = l.forward(a);
    let d = dA;
    for (let i = layers.length - 1; i >= 0; i--) {
      d = layers[i].backward(d);
      layers[i].computeGradients();
    }
  };
}

/**
 * Ours and the reference share src/commons/gemm.ts: whichever is timed first would also pay the JIT's
 * tier-up of the GEMM (seen: Dense 0.3× timed first, 0.8–1.2× timed second). Warm both, alternately,
 * before timing either.
 */
function warmBoth(a: () => void, b: () => void, o: BenchOptions): void {
  for (let i = 0; i < Math.max(10, 3 * o.warmup); i++) {
    a();
    b();
  }
}

async function dense(o: BenchOptions): Promise<Row[]> {
  const [m, n, h, k] = [32, 784, 64, 10];
  const X = new NDArray(randomArray(m * n, 4), [m, n]);
  const oursFn = fwdBwd([new Dense({ units: h, activate: relu }), new Dense({ units: k, activate: softmax })], X);
  const ref = plainGemmDense(m, n, h, k);
  warmBoth(oursFn, () => ref.step(), o);
  const ours = time(oursFn, o);
  const r = time(() => ref.step(), o);
  return [{
    case: 'Dense 784→64→10', ours: ours.median, ref: r.median, refKind: 'plain GEMM layers (bench/reference.ts)',
    flops: ref.flops, samples: m, target: TARGET, met: ours.median <= 2 * r.median, note: 'm=32, relu → softmax',
  }];
}

const MODULES: Record<RecurrentKind, string> = { RNN: '../../src/rnn/models.js', LSTM: '../../src/lstm/models.js', GRU: '../../src/gru/models.js' };

async function recurrent(kind: RecurrentKind, o: BenchOptions): Promise<Row[]> {
  const [m, s, e, u] = [32, 20, 16, 32];
  const name = `${kind} s=${s} e=${e} u=${u}`;
  const ref = plainGemmRecurrent(kind, m, s, e, u);
  const refKind = 'plain GEMM layer (bench/reference.ts)';
  let Ctor: new (opts: object) => Layer;
  try {
    const mod = (await import(MODULES[kind])) as Record<string, unknown>;
    Ctor = mod[kind] as new (opts: object) => Layer;
    if (typeof Ctor !== 'function') throw new Error(`no export ${kind}`);
  } catch (err) {
    const r = time(() => ref.step(), o);
    return [{ case: name, ref: r.median, refKind, flops: ref.flops, note: `skipped: src/${kind.toLowerCase()} not loadable (${(err as Error).message.split('\n')[0]})` }];
  }
  const X = new NDArray(randomArray(m * s * e, 6), [m, s, e]);
  try {
    const layer = new Ctor({ unitCells: u, clipGradients: false });
    const oursFn = fwdBwd([layer], X, true); // as in train(): caches reused from batch to batch
    warmBoth(oursFn, () => ref.step(), o);
    const r = time(() => ref.step(), o);
    const ours = time(oursFn, o);
    return [{
      case: name, ours: ours.median, ref: r.median, refKind, flops: ref.flops, samples: m,
      target: TARGET, met: ours.median <= 2 * r.median, note: `m=${m}, last hidden state, ${GATES[kind]} gate(s), no clipping, buffers reused as in train()`,
    }];
  } catch (err) {
    const r = time(() => ref.step(), o);
    return [{ case: name, ref: r.median, refKind, flops: ref.flops, note: `skipped: ${kind} failed (${(err as Error).message.split('\n')[0]})` }];
  }
}

export const layerCases: BenchCase[] = [
  { name: 'dense', run: dense },
  ...(['RNN', 'LSTM', 'GRU'] as const).map((k) => ({ name: k, run: (o: BenchOptions) => recurrent(k, o) })),
];
