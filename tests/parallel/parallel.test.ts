// Data parallelism (src/parallel): batches cut into shards by their size alone, shard gradients summed
// in shard order, so 1, 2 and 3 threads give the same bits; evaluation and predict spread over the
// threads give the same outputs; worker threads start lazily and never keep a process alive.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  Convolution, Dense, clipGradient, Dropout, Embedding, EpyNN, EpyNNError, Flatten, GRU, LSTM, Layer, NDArray, Pooling, RNN,
  ShapeError, getThreads, memoryOutput, numpyRng, relu, setThreads, sigmoid, softmax, startThreads, threadsNote,
} from '../../src/index.js';
import { modelForward } from '../../src/network/forward.js';
import { parallelEngine } from '../../src/network/hooks.js';
import { stats } from '../../src/parallel/engine.js';
import { shardCount, shardRows } from '../../src/parallel/shards.js';

afterEach(() => setThreads(undefined));

type Build = (threads: number) => EpyNN;

function images(m: number, seed: number): { X: NDArray; y: number[] } {
  const rng = numpyRng(seed);
  const X = new NDArray(new Float64Array(m * 10 * 10).map(() => rng.uniform()), [m, 10, 10, 1]);
  return { X, y: Array.from({ length: m }, (_, i) => (i * 7) % 3) };
}

const cnn: Build = (threads) => {
  const { X, y } = images(160, 1);
  const model = new EpyNN([
    new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 40, relativeSize: [3, 1, 0] }),
    new Convolution({ unitFilters: 6, filterSize: [3, 3], activate: relu }),
    new Pooling({ poolSize: [2, 2] }),
    new Flatten(),
    new Dropout({ dropProb: 0.3 }),
    new Dense({ units: 3, activate: softmax }),
  ]);
  return model.initialize({ loss: 'CCE', seed: 7, quiet: true, threads });
};

function sequences(m: number, seed: number): { X: NDArray; y: number[] } {
  const rng = numpyRng(seed);
  const X = new NDArray(new Float64Array(m * 12 * 4).map(() => rng.uniform()), [m, 12, 4]);
  return { X, y: Array.from({ length: m }, (_, i) => i % 2) };
}

const recurrent: Build = (threads) => {
  const { X, y } = sequences(96, 2);
  const model = new EpyNN([
    new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 32, relativeSize: [2, 1, 0] }),
    new LSTM({ unitCells: 5, sequences: true, clipGradients: true }),
    new Dropout({ dropProb: 0.2, axis: 1 }),
    new GRU({ unitCells: 4, sequences: true }),
    new RNN({ unitCells: 3 }),
    new Dense({ units: 2, activate: softmax }),
  ]);
  return model.initialize({ loss: 'CCE', seed: 3, quiet: true, threads, seHPars: { learning_rate: 0.5 } });
};

/** Every parameter, metric and the dtest outputs of a model, as one array of numbers. */
function state(model: EpyNN): number[] {
  const out: number[] = [];
  for (const layer of model.layers) for (const P of Object.values(layer.p)) out.push(...P.data);
  for (const sets of Object.values(model.metrics)) for (const values of sets) out.push(...values);
  return out;
}

/**
 * Trains `build(threads)` for `epochs`; for threads > 1, again until worker threads computed some of
 * the shards (they start in the background), so that the comparison covers work done on them.
 */
async function trained(build: Build, threads: number, epochs: number): Promise<{ model: EpyNN; workerItems: number }> {
  for (let attempt = 0; ; attempt++) {
    stats.items = 0;
    stats.here = 0;
    const model = build(threads);
    model.train({ epochs, quiet: true });
    const workerItems = stats.items - stats.here;
    if (threads === 1 || workerItems > 0 || attempt === 40) return { model, workerItems };
    await new Promise((r) => setTimeout(r, 250)); // let the workers start
  }
}

describe('shards', () => {
  test('the shard count depends on the batch size and the model size, not on threads', () => {
    expect(shardCount(32, 1000)).toBe(4);
    expect(shardCount(7, 1000)).toBe(1);
    expect(shardCount(1000, 1000)).toBe(16);
    expect(shardCount(1000, 2 ** 24)).toBe(2); // gradients of 16 shards would not fit in 256 MB
    for (const [m, S] of [[32, 4], [31, 3], [100, 12]]) {
      const rows = Array.from({ length: S }, (_, s) => shardRows(m, S, s));
      expect(rows[0][0]).toBe(0);
      expect(rows[S - 1][1]).toBe(m);
      rows.forEach(([a, b], s) => {
        expect(b - a === Math.floor(m / S) || b - a === Math.ceil(m / S)).toBe(true);
        if (s > 0) expect(a).toBe(rows[s - 1][1]);
      });
    }
  });

  test('a sharded step gives the whole batch gradients (Dropout masks drawn in the same order)', () => {
    for (const build of [cnn, recurrent]) {
      const whole = build(1);
      const sharded = EpyNN.fromJSON(JSON.stringify(whole.toJSON({ includeData: true })));
      const batch = whole.embedding.trainingBatches()[0];
      // The whole batch, on this thread, without the update
      whole.setTraining(true);
      const A = modelForward(whole, batch.X);
      let dX = whole.trainingLoss(batch.Y!, A, true);
      for (let i = whole.layers.length - 1; i >= 1; i--) {
        const layer = whole.layers[i] as Layer & { clipGradients?: boolean };
        dX = layer.backward(dX);
        layer.computeGradients();
      }
      // The same batch in shards
      sharded.setTraining(true);
      const trainer = parallelEngine()!.trainer(sharded)!;
      expect(trainer).toBeDefined();
      const As = trainer.step(batch.X, batch.Y!);
      expect(As.shape).toEqual(A.shape);
      A.data.forEach((v, j) => expect(Math.abs(As.data[j] - v)).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(v)));
      whole.layers.forEach((layer, i) => {
        // LSTM/GRU clip by the norm of the whole batch's gradients: in update(), after the sum
        if ((layer as Layer & { clipGradients?: boolean }).clipGradients === true) clipGradient(sharded.layers[i]);
        for (const [k, G] of Object.entries(layer.g)) {
          const Gs = sharded.layers[i].g[k];
          expect(Gs.shape).toEqual(G.shape);
          G.data.forEach((v, j) => expect(Math.abs(Gs.data[j] - v)).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(v)));
        }
      });
      // Every Dropout drew exactly as many numbers as in the whole batch's forward
      const dropouts = whole.layers.flatMap((layer, i) => (layer instanceof Dropout ? [i] : []));
      expect(dropouts.length).toBe(1);
      for (const i of dropouts) expect(sharded.layers[i].rng.state()).toEqual(whole.layers[i].rng.state());
      trainer.close();
    }
  });
});

describe('threads', () => {
  test('1, 2 and 3 threads train to the same bits (CNN with Dropout)', async () => {
    const one = (await trained(cnn, 1, 3)).model;
    for (const threads of [2, 3]) {
      const { model, workerItems } = await trained(cnn, threads, 3);
      expect(workerItems).toBeGreaterThan(0);
      expect(state(model)).toEqual(state(one));
    }
  });

  test('1 and 2 threads train to the same bits (LSTM with clipping, Dropout along an axis, GRU, RNN)', async () => {
    const one = (await trained(recurrent, 1, 4)).model;
    const { model, workerItems } = await trained(recurrent, 2, 4);
    expect(workerItems).toBeGreaterThan(0);
    expect(state(model)).toEqual(state(one));
    // and training did something
    expect(state(model)).not.toEqual(state(recurrent(1)));
  });

  test('predict and evaluate over 2 threads give the same outputs as on 1', async () => {
    const model = cnn(1);
    model.train({ epochs: 1, quiet: true });
    const { X } = images(300, 9);
    const one = model.predict(X).A;
    model.threads = 2;
    let workerItems = 0;
    for (let attempt = 0; attempt < 150 && workerItems === 0; attempt++) {
      stats.items = 0;
      stats.here = 0;
      const two = model.predict(X).A;
      workerItems = stats.items - stats.here;
      expect(two.shape).toEqual(one.shape);
      expect(Array.from(two.data)).toEqual(Array.from(one.data));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(workerItems).toBeGreaterThan(0);
  });

  test('compat: epynn trains each batch whole, says so once, and gives the same numbers on any thread count', () => {
    const build = (threads: number): EpyNN => {
      const { X, y } = images(64, 4);
      const model = new EpyNN([
        new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 16 }),
        new Flatten(),
        new Dropout({ dropProb: 0.2 }),
        new Dense({ units: 3, activate: softmax }),
      ]);
      return model.initialize({ loss: 'CCE', seed: 5, quiet: true, compat: 'epynn', threads });
    };
    const one = build(1);
    one.train({ epochs: 2, quiet: true });
    const two = build(2);
    expect(parallelEngine()!.trainer(two)).toBeUndefined();
    const log = memoryOutput();
    two.logger = log;
    two.train({ epochs: 2, initLogs: false, verbose: 100 });
    expect(state(two)).toEqual(state(one));
    expect(threadsNote()).toMatch(/one thread: compat: 'epynn' trains each batch whole/);
  });

  test('a layer of your own trains each batch whole', () => {
    class Scale extends Layer {
      constructor() {
        super('ScaleForThreads');
      }
      toConfig(): Record<string, unknown> {
        return {};
      }
      computeShapes(A: NDArray): void {
        this.fs.X = A.shape;
      }
      initializeParameters(): void {}
      forward(A: NDArray): NDArray {
        return (this.fc.A = A.copy());
      }
      backward(dX: NDArray): NDArray {
        return dX.copy();
      }
      computeGradients(): void {}
      updateParameters(): void {}
    }
    const { X, y } = images(32, 6);
    const model = new EpyNN([new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 16 }), new Flatten(), new Scale(), new Dense({ units: 3, activate: softmax })]);
    model.initialize({ loss: 'CCE', seed: 1, quiet: true, threads: 2 });
    expect(parallelEngine()!.trainer(model)).toBeUndefined();
    model.train({ epochs: 1, quiet: true });
    expect(threadsNote()).toMatch(/the layer ScaleForThreads does not declare its samples independent \(traits.samplesIndependent/);
  });

  test('threads is checked (option, setThreads, EPYNN_THREADS)', () => {
    const model = cnn(1);
    for (const bad of [0, 1.5, 65, '2', Number.NaN]) {
      expect(() => model.train({ epochs: 1, quiet: true, threads: bad as number })).toThrow(EpyNNError);
      expect(() => cnn(bad as number)).toThrow(/initialize: threads must be/);
      expect(() => setThreads(bad as number)).toThrow(/setThreads: threads must be/);
    }
    setThreads(3);
    expect(getThreads()).toBe(3);
    setThreads(undefined);
    const env = process.env.EPYNN_THREADS;
    try {
      process.env.EPYNN_THREADS = 'many';
      expect(() => getThreads()).toThrow(/EPYNN_THREADS must be an integer from 1 to 64, got 'many'/);
      process.env.EPYNN_THREADS = '2';
      expect(getThreads()).toBe(2);
    } finally {
      process.env.EPYNN_THREADS = env;
    }
  });
});

describe('worker threads and the process', () => {
  test('a script that trains on 2 threads ends by itself (the workers never keep it alive)', () => {
    const script = join(import.meta.dirname, 'train-and-end.ts');
    const t0 = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, EPYNN_THREADS: '2' } });
    expect(run.error).toBeUndefined();
    expect(run.signal).toBeNull(); // not killed by the timeout
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { items: number; here: number; threads: number };
    expect(report.threads).toBe(2);
    expect(report.items - report.here).toBeGreaterThan(0); // the worker did train
    expect(Date.now() - t0).toBeLessThan(90_000);
  });
});

test('sigmoid output and MSE train in shards too (no softmax coupling)', async () => {
  const build: Build = (threads) => {
    const rng = numpyRng(8);
    const X = new NDArray(new Float64Array(64 * 6).map(() => rng.uniform()), [64, 6]);
    const y = Array.from({ length: 64 }, (_, i) => i % 2);
    const model = new EpyNN([new Embedding({ XData: X, YData: y, batchSize: 32 }), new Dense({ units: 8, activate: relu }), new Dense({ units: 1, activate: sigmoid })]);
    return model.initialize({ loss: 'MSE', seed: 2, quiet: true, threads });
  };
  const one = (await trained(build, 1, 5)).model;
  const two = (await trained(build, 2, 5)).model;
  expect(state(two)).toEqual(state(one));
});

describe('failures', () => {
  test('a shard that fails throws its own error class (not a generic one), and the next step works', () => {
    const model = cnn(2);
    const trainer = parallelEngine()!.trainer(model)!;
    const batch = model.embedding.trainingBatches()[0];
    model.setTraining(true);
    const badY = new NDArray(new Float64Array(batch.Y!.shape[0] * 5), [batch.Y!.shape[0], 5]); // 5 labels, the output has 3
    expect(() => trainer.step(batch.X, badY)).toThrow(ShapeError);
    const A = trainer.step(batch.X, batch.Y!);
    expect(A.shape).toEqual([batch.X.shape[0], 3]);
    expect(A.data.every(Number.isFinite)).toBe(true);
    trainer.close();
  });

  test('the claim protocol: every item once, a failing item recorded and still counted', async () => {
    const { CONTROL_WORDS, DONE, ERR, ERR_ITEM, ERR_LEN, openGeneration, work } = await import('../../src/parallel/protocol.js');
    const ctl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    const err = new Uint8Array(256);
    for (const gen of [1, 2, 4095, 4096, 4097]) {
      openGeneration(ctl, gen);
      const seen: number[] = [];
      const job = { gen, count: 7 } as Parameters<typeof work>[1];
      const n = work(ctl, job, { err } as Parameters<typeof work>[2], (idx) => {
        seen.push(idx);
        if (idx === 3) throw new ShapeError('item three');
      });
      expect(n).toBe(7);
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(Atomics.load(ctl, DONE)).toBe(7);
      expect(Atomics.load(ctl, ERR)).toBe(1);
      expect(Atomics.load(ctl, ERR_ITEM)).toBe(3);
      expect(new TextDecoder().decode(err.slice(0, Atomics.load(ctl, ERR_LEN)))).toBe('ShapeError: item three');
      // a job of the previous generation claims nothing
      expect(work(ctl, { gen: gen - 1, count: 7 } as Parameters<typeof work>[1], { err } as Parameters<typeof work>[2], () => undefined)).toBe(0);
    }
  });

  test('a parked worker runs a generation only when it repeats the job it holds (REPEAT and its number), then leaves its park for any other job', async () => {
    const { CONTROL_BYTES, openGeneration, park, slotParked } = await import('../../src/parallel/protocol.js');
    const ctl = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
    const slot = 1;
    const ran: number[] = [];
    // generation 2 repeats job 7; the worker holds job 5 (it missed a message): it leaves, runs nothing
    openGeneration(ctl, 1);
    openGeneration(ctl, 2, undefined, 7);
    park(ctl, slot, 1, 5, (g) => ran.push(g));
    expect(ran).toEqual([]);
    expect(Atomics.load(ctl, slotParked(slot))).toBe(0);
    // it holds job 7: it runs generations 2 and 3 (repeats), and leaves at 4 (another job)
    park(ctl, slot, 1, 7, (g) => {
      ran.push(g);
      expect(Atomics.load(ctl, slotParked(slot))).toBe(1);
      openGeneration(ctl, g + 1, undefined, g === 2 ? 7 : 0);
    });
    expect(ran).toEqual([2, 3]);
    expect(Atomics.load(ctl, slotParked(slot))).toBe(0);
  });
});

test('startThreads resolves once the worker threads run (a browser starts them only then), capped at the cores; its arguments are checked', async () => {
  const { availableCores } = await import('../../src/parallel/pool.js');
  const { runningWorkers } = await import('../../src/parallel/engine.js');
  expect(await startThreads(1)).toBe(1);
  const cores = availableCores();
  const threads = Math.min(3, cores);
  expect(await startThreads(threads)).toBe(threads);
  expect(runningWorkers()).toBeGreaterThanOrEqual(threads - 1); // each set its ready word in the control buffer
  expect(await startThreads(cores + 1)).toBe(cores); // as training caps it (unless forced)
  await expect(startThreads(2, { timeout: 5 } as never)).rejects.toThrow(/^startThreads: unknown option 'timeout'/);
  await expect(startThreads(2, { timeoutMs: -1 })).rejects.toThrow(new EpyNNError('startThreads: timeoutMs must be a number >= 0, got -1'));
  await expect(startThreads(0)).rejects.toThrow(EpyNNError);
});

test('a bundle without the worker file: one thread, and the note says why (startThreads too)', async () => {
  const { build } = await import('esbuild');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'epynn-bundle-'));
  try {
    await build({ entryPoints: [join(import.meta.dirname, '..', '..', 'src', 'index.ts')], bundle: true, platform: 'node', format: 'esm', outfile: join(dir, 'bundle.mjs'), logLevel: 'silent' });
    writeFileSync(join(dir, 'script.mjs'), `import * as e from './bundle.mjs';
e.setThreads(2);
const XData = Array.from({ length: 64 }, (_, i) => [i % 2, (i >> 1) % 2, (i % 5) / 5]);
const YData = XData.map((x) => x[0]);
const model = new e.EpyNN([new e.Embedding({ XData, YData, YEncode: true, batchSize: 32 }), new e.Dense({ units: 2, activate: e.softmax })]);
model.initialize({ loss: 'CCE', seed: 1, quiet: true });
console.log(await e.startThreads(2), e.threadsNote());
for (let i = 0; i < 100 && (model.epochsDone === 0 || !/failed to start/.test(e.threadsNote())); i++) {
  model.train({ epochs: 1, quiet: true });
  await new Promise((r) => setTimeout(r, 50));
}
console.log(e.threadsNote(), model.epochsDone > 0);
`);
    const run = spawnSync(process.execPath, [join(dir, 'script.mjs')], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, EPYNN_THREADS: '' } });
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    const [started, trained] = run.stdout.trim().split('\n');
    expect(started).toMatch(/^1 running on one thread: worker threads failed to start \(.*worker\.js.*\)$/);
    expect(trained).toMatch(/^running on one thread: worker threads failed to start \(.*worker\.js.*\) true$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('activations of your own: shards on this thread when registered, whole batches when not (each says why)', async () => {
  const { registerActivation } = await import('../../src/index.js');
  const { X, y } = images(64, 3);
  const square = (x: NDArray, deriv = false): NDArray => new NDArray(x.data.map((v) => (deriv ? 2 * v : v * v)), x.shape);
  const build = (): EpyNN =>
    new EpyNN([new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 32 }), new Flatten(), new Dense({ units: 4, activate: square }), new Dense({ units: 3, activate: softmax })])
      .initialize({ loss: 'CCE', seed: 1, quiet: true, threads: 2 });
  const unregistered = build();
  expect(parallelEngine()!.trainer(unregistered)).toBeUndefined();
  expect(threadsNote()).toMatch(/^running on one thread: the model can not be copied for the threads \(.*registerActivation\('square'/);
  registerActivation('squareForThreads', square);
  const registered = build();
  stats.items = 0;
  stats.here = 0;
  registered.train({ epochs: 2, quiet: true });
  expect(stats.items).toBeGreaterThan(0);
  expect(stats.here).toBe(stats.items); // every shard on this thread
  expect(threadsNote()).toMatch(/^running on one thread: Dense\.activate is a function of your own, which worker threads do not have/);
});

test('a worker that claims a shard and stops never hangs training: the step is computed again here, the same bits', async () => {
  const { testHooks } = await import('../../src/parallel/engine.js');
  const { CLAIM } = await import('../../src/parallel/protocol.js');
  const one = (await trained(cnn, 1, 2)).model;
  const model = cnn(2);
  const log = memoryOutput();
  model.logger = log;
  let stuck = 0;
  testHooks.stallMs = 300;
  testHooks.afterOpen = (ctl) => {
    if (stuck > 0) return; // one stuck worker, once
    stuck++;
    Atomics.add(ctl, CLAIM, 1); // "a worker" claims item 0 and is never heard of again
  };
  try {
    const t0 = Date.now();
    model.train({ epochs: 2, initLogs: false, verbose: 100 });
    expect(Date.now() - t0).toBeLessThan(30_000);
  } finally {
    delete testHooks.stallMs;
    delete testHooks.afterOpen;
  }
  expect(stuck).toBe(1);
  expect(state(model)).toEqual(state(one));
  expect(log.lines.filter((l) => l.startsWith('NOTE: running on one thread: a worker thread stopped'))).toHaveLength(1);
  // the next call starts new workers, which compute shards again
  const again = (await trained(cnn, 2, 1));
  expect(again.workerItems).toBeGreaterThan(0);
});

test('repeated training steps reach parked workers through the control words, without a message: the same bits', async () => {
  const one = (await trained(cnn, 1, 3)).model;
  expect(await startThreads(2)).toBe(2);
  // 3 training batches of 40 an epoch: a step repeats the one before (but its generation). A worker
  // held up by a busy machine may not be parked yet when the next step opens (it then gets a message):
  // trained again until some step went to a parked worker
  for (let attempt = 0; attempt < 20; attempt++) {
    stats.unposted = 0;
    const two = await trained(cnn, 2, 3);
    expect(two.workerItems).toBeGreaterThan(0);
    expect(state(two.model)).toEqual(state(one));
    if (stats.unposted > 0) break;
  }
  expect(stats.unposted).toBeGreaterThan(0);
});
