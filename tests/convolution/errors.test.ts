// Bad input: every case throws a typed error whose message names the layer, the option or argument,
// what was expected and what was received.
import { describe, expect, test } from 'vitest';
import { EpyNNError, ShapeError, StateError } from '../../src/errors.js';
import { zeros } from '../../src/commons/ndarray.js';
import { Convolution, type ConvolutionOptions } from '../../src/convolution/models.js';

const bad = (opts: unknown) => () => new Convolution(opts as ConvolutionOptions);

/** Throws `type` with a message matching every pattern. */
function expectThrow(fn: () => unknown, type: typeof EpyNNError, ...patterns: (string | RegExp)[]): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a throw').toBeInstanceOf(type);
  const msg = (err as Error).message;
  expect(msg).toMatch(/^Convolution: /);
  for (const p of patterns) expect(msg).toMatch(p);
}

describe('constructor options', () => {
  test.each([
    [{ unitFilters: 0 }, 'unitFilters', 'got 0'],
    [{ unitFilters: 2.5 }, 'unitFilters', 'got 2.5'],
    [{ unitFilters: -3 }, 'unitFilters', 'got -3'],
    [{ unitFilters: '4' }, 'unitFilters', "got '4'"],
    [{ filterSize: 0 }, 'filterSize', 'got 0'],
    [{ filterSize: [3, 0] }, 'filterSize', 'got [3, 0]'],
    [{ filterSize: [2.5, 2] }, 'filterSize', 'got [2.5, 2]'],
    [{ filterSize: [3, 3, 3] }, 'filterSize', 'got [3, 3, 3]'],
    [{ filterSize: -2 }, 'filterSize', 'got -2'],
    [{ strides: 0 }, 'strides', 'got 0'],
    [{ strides: [1, -1] }, 'strides', 'got [1, -1]'],
    [{ strides: 1.5 }, 'strides', 'got 1.5'],
    [{ padding: -1 }, 'padding', 'got -1'],
    [{ padding: 0.5 }, 'padding', 'got 0.5'],
    [{ padding: '1' }, 'padding', "got '1'"],
    [{ activate: 'relu' }, 'activate', "got 'relu'"],
    [{ initialization: 3 }, 'initialization', 'got 3'],
    [{ useBias: 1 }, 'useBias', 'got 1'],
  ])('%j is rejected', (opts, option, got) => {
    expectThrow(bad(opts), EpyNNError, new RegExp(`\\b${option} must be`), got);
  });

  test('messages say what is expected', () => {
    expectThrow(bad({ filterSize: [3, 0] }), EpyNNError, 'positive integer or [h, w] of positive integers');
    expectThrow(bad({ padding: -1 }), EpyNNError, 'non-negative integer');
  });
});

function ready(opts: ConvolutionOptions = {}, shape = [2, 5, 5, 1]): Convolution {
  const layer = new Convolution({ unitFilters: 2, ...opts });
  layer.computeShapes(zeros(shape));
  layer.initializeParameters();
  return layer;
}

describe('shapes', () => {
  test('input of the wrong rank (3-D) in computeShapes and forward', () => {
    const X3 = zeros([2, 5, 5]);
    expectThrow(() => new Convolution().computeShapes(X3), ShapeError, 'computeShapes', /\bA\b/, '4-D (m, h, w, d)', 'got shape (2, 5, 5)');
    expectThrow(() => ready().forward(X3), ShapeError, 'forward', '4-D (m, h, w, d)', 'got shape (2, 5, 5)');
    expectThrow(() => ready().forward(zeros([1, 2, 5, 5, 1])), ShapeError, 'forward', 'got shape (1, 2, 5, 5, 1)');
  });

  test('input depth different from the one W was built for', () => {
    const layer = ready({}, [2, 5, 5, 3]);
    expectThrow(() => layer.forward(zeros([2, 5, 5, 2])), ShapeError, 'forward', 'depth d = 3', 'the depth W was built for', 'got A (2, 5, 5, 2)');
  });

  test('filter larger than the padded input', () => {
    expectThrow(
      () => new Convolution({ filterSize: [4, 2] }).computeShapes(zeros([1, 3, 6, 1])),
      ShapeError, 'computeShapes', 'filter (fh, fw) = (4, 2)', 'larger than the padded input', '(h + 2p, w + 2p) = (3, 6)',
    );
    expectThrow(
      () => new Convolution({ filterSize: 6, padding: 1 }).computeShapes(zeros([1, 3, 8, 1])),
      ShapeError, '(h + 2p, w + 2p) = (5, 10)', 'padding 1',
    );
    // fits thanks to the padding: no error
    expect(() => new Convolution({ filterSize: 5, padding: 1 }).computeShapes(zeros([1, 3, 3, 1]))).not.toThrow();
    // forward on a smaller image than the window
    const layer = ready({ filterSize: 3 });
    expectThrow(() => layer.forward(zeros([2, 2, 5, 1])), ShapeError, 'forward', 'larger than the padded input');
  });

  test('parameters of the wrong shape set by hand', () => {
    const layer = ready({ filterSize: 3, unitFilters: 2 });
    const X = zeros([2, 5, 5, 1]);
    layer.p.W = zeros([3, 3, 2, 2]);
    expectThrow(() => layer.forward(X), ShapeError, 'forward', 'p.W', '(fh, fw, d, u) = (3, 3, 1, 2)', 'got (3, 3, 2, 2)');
    layer.p.W = zeros([3, 3, 1, 2]);
    layer.p.b = zeros([1, 2]);
    expectThrow(() => layer.forward(X), ShapeError, 'forward', 'p.b', '(u,) = (2,)', 'got (1, 2)');
    layer.p.b = zeros([2]);
    const A = layer.forward(X);
    layer.p.W = zeros([2, 2, 1, 2]);
    expectThrow(() => layer.backward(zeros(A.shape)), ShapeError, 'backward', 'p.W', 'got (2, 2, 1, 2)');
  });

  test('parameters or shapes missing', () => {
    const layer = new Convolution();
    expectThrow(() => layer.forward(zeros([1, 5, 5, 1])), StateError, 'Convolution: forward() called before computeShapes()');
    expectThrow(() => layer.initializeParameters(), StateError, 'Convolution: initializeParameters() called before computeShapes()');
    layer.computeShapes(zeros([1, 5, 5, 1]));
    expectThrow(() => layer.forward(zeros([1, 5, 5, 1])), StateError, 'Convolution: forward() called before initializeParameters() (parameter W is not set)');
  });

  test('dA of the wrong shape in backward, and backward before forward', () => {
    const layer = ready({ filterSize: 2, strides: 1 }); // A (2, 4, 4, 2)
    expectThrow(() => layer.backward(zeros([2, 4, 4, 2])), StateError, 'Convolution: backward() called before forward()');
    layer.forward(zeros([2, 5, 5, 1]));
    expectThrow(() => layer.backward(zeros([2, 4, 4, 1])), ShapeError, 'backward', /\bdA\b/, '(m, oh, ow, u) = (2, 4, 4, 2)', 'got (2, 4, 4, 1)');
    expectThrow(() => layer.backward(zeros([2, 32])), ShapeError, 'got (2, 32)');
  });

  test('computeGradients before backward', () => {
    const layer = ready();
    layer.forward(zeros([2, 5, 5, 1]));
    expectThrow(() => layer.computeGradients(), StateError, 'Convolution: computeGradients() called before backward()');
  });
});
