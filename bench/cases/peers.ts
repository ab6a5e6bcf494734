// Optional peers, timed side by side with ours when `--peers` is given: TensorFlow.js (CPU and WASM
// backends, float32) and ConvNetJS (float64), loaded from bench/peers/node_modules only. Nothing is
// installed by the bench: `cd bench/peers && npm install` is a deliberate step (see bench/peers/README.md).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gemmStrided } from '../../src/commons/gemm.js';
import { randomArray, time } from '../timing.js';
import type { BenchCase, BenchOptions, Row } from '../types.js';

const PEERS = join(dirname(fileURLToPath(import.meta.url)), '..', 'peers');
const NOT_INSTALLED = 'not installed (cd bench/peers && npm install)';
const req = createRequire(join(PEERS, 'package.json'));

/** The peer module from bench/peers/node_modules, or undefined when it is not installed there. */
function load(name: string): any {
  if (!existsSync(join(PEERS, 'node_modules', ...name.split('/')))) return undefined;
  return req(name);
}

const BATCH = 32;
const CLASSES = 10;
const trainNote = 'same CNN step; batch 32';

/** The CNN batch as float32 (tfjs) or plain numbers. */
function batchData(): { X: Float64Array; labels: number[] } {
  const X = randomArray(BATCH * 28 * 28, 5).map(Math.abs);
  return { X, labels: Array.from({ length: BATCH }, (_, i) => i % CLASSES) };
}

// ---------------------------------------------------------------------------------------------------
// TensorFlow.js

let tfReady: Promise<any> | undefined;

/** tfjs-core with the CPU backend and, when present, the WASM backend (plus the kernel it lacks). */
function tfjs(): Promise<any> {
  tfReady ??= (async () => {
    const tf = load('@tensorflow/tfjs-core');
    if (tf === undefined || load('@tensorflow/tfjs-backend-cpu') === undefined) return undefined;
    req('@tensorflow/tfjs-core/dist/register_all_gradients'); // tfjs-core alone has no gradients
    const wasm = load('@tensorflow/tfjs-backend-wasm');
    if (wasm !== undefined) {
      wasm.setWasmPaths(join(PEERS, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
      tf.setThreadsCount?.(1);
      registerWasmBackpropFilter(tf);
    }
    return tf;
  })();
  return tfReady;
}

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so it cannot train a CNN. We supply one
 * (im2col + our float64 GEMM, NHWC, stride/pad from the attributes): the WASM numbers include it.
 */
function registerWasmBackpropFilter(tf: any): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }: any) => {
      const { x, dy } = inputs;
      const [m, h, w, d] = x.shape;
      const [, oh, ow, u] = dy.shape;
      const [fh, fw] = attrs.filterShape;
      const [sh, sw] = Array.isArray(attrs.strides) ? attrs.strides : [attrs.strides, attrs.strides];
      const info = tf.backend_util.computeConv2DInfo(x.shape, attrs.filterShape, [sh, sw], 1, attrs.pad, attrs.dimRoundingMode);
      const pt = info.padInfo.top;
      const pl = info.padInfo.left;
      const xs = backend.readSync(x.dataId) as Float32Array;
      const gs = backend.readSync(dy.dataId) as Float32Array;
      const K = fh * fw * d;
      const M = m * oh * ow;
      const cols = new Float64Array(M * K);
      for (let im = 0, r = 0; im < m; im++)
        for (let ioh = 0; ioh < oh; ioh++)
          for (let iow = 0; iow < ow; iow++)
            for (let ifh = 0; ifh < fh; ifh++)
              for (let ifw = 0; ifw < fw; ifw++) {
                const hh = ioh * sh + ifh - pt;
                const ww = iow * sw + ifw - pl;
                const inside = hh >= 0 && hh < h && ww >= 0 && ww < w;
                for (let id = 0; id < d; id++) cols[r++] = inside ? xs[((im * h + hh) * w + ww) * d + id] : 0;
              }
      const dW = new Float64Array(K * u);
      gemmStrided(K, u, M, cols, 0, 1, K, Float64Array.from(gs), 0, u, 1, dW, 0, u, false); // colsᵀ · dy
      const out = backend.makeOutput([fh, fw, d, u], 'float32');
      backend.typedArrayFromHeap(out).set(dW);
      return out;
    },
  });
}

async function tfjsTrain(backendName: 'cpu' | 'wasm', o: BenchOptions): Promise<Row> {
  const label = `peer tfjs-${backendName} train step`;
  const tf = await tfjs();
  if (tf === undefined) return { case: label, note: NOT_INSTALLED };
  if (backendName === 'wasm' && load('@tensorflow/tfjs-backend-wasm') === undefined) return { case: label, note: NOT_INSTALLED };
  await tf.setBackend(backendName);
  await tf.ready();
  const { X, labels } = batchData();
  const x = tf.tensor4d(Float32Array.from(X), [BATCH, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES);
  const W = tf.variable(tf.randomNormal([3, 3, 1, 32], 0, 0.3, 'float32', 1));
  const b = tf.variable(tf.zeros([32]));
  const Wd = tf.variable(tf.randomNormal([13 * 13 * 32, CLASSES], 0, 0.05, 'float32', 2));
  const bd = tf.variable(tf.zeros([CLASSES]));
  const opt = tf.train.sgd(0.01);
  const step = (): void => {
    const cost = opt.minimize(() => {
      const z = tf.relu(tf.add(tf.conv2d(x, W, 1, 'valid'), b)); // (32, 26, 26, 32)
      const p = tf.reshape(tf.maxPool(z, 2, 2, 'valid'), [BATCH, -1]); // (32, 5408)
      const logits = tf.add(tf.matMul(p, Wd), bd);
      return tf.losses.softmaxCrossEntropy(y, logits);
    }, true);
    cost.dataSync(); // wait for the step
    cost.dispose();
  };
  const t = time(step, { runs: o.runs, warmup: o.warmup });
  for (const v of [x, y, W, b, Wd, bd]) v.dispose();
  return {
    case: label, ours: t.median, samples: BATCH,
    note: `float32${backendName === 'wasm' ? ', 1 thread, + our JS Conv2DBackpropFilter' : ''}; ${trainNote}`,
  };
}

// ---------------------------------------------------------------------------------------------------
// ConvNetJS (float64, one sample at a time; the trainer updates every batch_size samples)

async function convnetjsTrain(o: BenchOptions): Promise<Row> {
  const label = 'peer ConvNetJS train step';
  const cj = load('convnetjs');
  if (cj === undefined) return { case: label, note: NOT_INSTALLED };
  const net = new cj.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'softmax', num_classes: CLASSES },
  ]);
  const trainer = new cj.Trainer(net, { method: 'sgd', learning_rate: 0.01, batch_size: BATCH, momentum: 0, l2_decay: 0 });
  const { X, labels } = batchData();
  const vols = labels.map((_, i) => {
    const v = new cj.Vol(28, 28, 1, 0);
    v.w.set(X.subarray(i * 784, (i + 1) * 784)); // Vol (sx, sy, depth): index (y·28 + x)·1
    return v;
  });
  const step = (): void => {
    for (let i = 0; i < BATCH; i++) trainer.train(vols[i], labels[i]);
  };
  const t = time(step, { runs: o.runs, warmup: o.warmup });
  return { case: label, ours: t.median, samples: BATCH, note: `float64; ${trainNote}` };
}

export const peerCases: BenchCase[] = [
  { name: 'peers tfjs-cpu', isolated: true, run: async (o) => [await tfjsTrain('cpu', o)] },
  { name: 'peers tfjs-wasm', isolated: true, run: async (o) => [await tfjsTrain('wasm', o)] },
  { name: 'peers convnetjs', isolated: true, run: async (o) => [await convnetjsTrain(o)] },
];
