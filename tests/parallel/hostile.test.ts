// Threads beyond the cores are capped (unless forced), and an error of a work item computed on the
// calling thread is reported as that, with its own class and message (issue 22).
import { afterEach, expect, test } from 'vitest';
import {
  Dense, EpyNN, EpyNNError, Embedding, Flatten, NDArray, memoryOutput, numpyRng, registerActivation, setThreads, softmax,
} from '../../src/index.js';
import { availableCores } from '../../src/parallel/pool.js';
import { threadsForced } from '../../src/parallel/engine.js';

afterEach(() => setThreads(undefined));

function images(m: number, seed: number): { X: NDArray; y: number[] } {
  const rng = numpyRng(seed);
  return { X: new NDArray(new Float64Array(m * 4 * 4).map(() => rng.uniform()), [m, 4, 4, 1]), y: Array.from({ length: m }, (_, i) => i % 3) };
}
const build = (threads: number | undefined, activate = softmax): EpyNN => {
  const { X, y } = images(64, 2);
  return new EpyNN([new Embedding({ XData: X, YData: y, YEncode: true, batchSize: 32 }), new Flatten(), new Dense({ units: 4, activate }), new Dense({ units: 3, activate: softmax })])
    .initialize({ loss: 'CCE', seed: 1, quiet: true, threads });
};

test('threads above the core count run as many as there are cores, said once in the log; forced, as asked', () => {
  const cores = availableCores();
  const asked = Math.min(64, cores + 3);
  const model = build(asked);
  const log = memoryOutput();
  model.logger = log;
  model.train({ epochs: 1, initLogs: false, verbose: 100 });
  expect(log.lines.join('\n')).toContain(`NOTE: threads: ${asked} asked for, but this machine has ${cores} core${cores === 1 ? '' : 's'}: running ${cores} (setThreads(${asked}, { force: true }) or EPYNN_THREADS_FORCE=1 runs ${asked} anyway)`);
  setThreads(2, { force: true });
  expect(threadsForced()).toBe(true);
  setThreads(2);
  expect(threadsForced()).toBe(false);
  expect(() => setThreads(2, { force: 'yes' } as never)).toThrow(new EpyNNError("setThreads: force must be true or false, got 'yes'"));
  expect(() => setThreads(2, { forse: true } as never)).toThrow(/setThreads: unknown option 'forse'/);
});

test("an activation of your own that fails on the calling thread is reported as its own error, not a worker thread's", () => {
  let calls = 0;
  const flaky = (x: NDArray, deriv = false): NDArray => {
    calls++;
    if (calls === 5) throw new EpyNNError('flaky: refused this batch');
    return new NDArray(x.data.map((v) => (deriv ? 1 : v)), x.shape);
  };
  registerActivation('flakyForThreads', flaky);
  const model = build(2, flaky as never);
  calls = 0;
  let err: unknown;
  try {
    model.train({ epochs: 3, quiet: true });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(EpyNNError);
  expect((err as Error).message).toContain('flaky: refused this batch');
  expect((err as Error).message).not.toContain('worker thread');
});
