// Fixtures: tests/fixtures/epynn/metric_*.json, written by the reference NumPy EpyNN 1.2.11
// (epynn.commons.metrics.<name>(Y, A)); "NaN" strings are converted to NaN by the loader.
// evaluateMetric is checked against np.mean(...) of the per-sample values, as network/evaluate.py does.
import { describe, expect, test } from 'vitest';
import { EpyNNError, ShapeError } from '../../src/errors.js';
import { lossFunctions } from '../../src/commons/loss.js';
import { NPV, accuracy, evaluateMetric, fscore, metricsFunctions, precision, recall, specificity } from '../../src/commons/metrics.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { expectClose, expectCloseNum } from '../helpers/close.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';

const SCALARS = ['recall', 'precision', 'fscore', 'specificity', 'NPV'];

// NOTE: loadFixture converts "NaN" inside arrays only; scalar metric values arrive as the string
const num = (v: unknown): number => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number));

describe('metrics match EpyNN', () => {
  for (const name of fixtureNames('metric_')) {
    test(name, () => {
      const fx = loadFixture(name);
      const aBefore = fx.A.data.slice();
      const acc = metricsFunctions('accuracy')(fx.Y, fx.A) as NDArray;
      expectClose(acc, fx.values.accuracy, 'accuracy'); // shape (m, 1) single-column, (m,) one-hot
      expect(acc.shape).toEqual(fx.encoding === 'single' ? [fx.Y.shape[0], 1] : [fx.Y.shape[0]]);
      const meanAcc = fx.values.accuracy.data.reduce((s: number, v: number) => s + v, 0) / fx.values.accuracy.size;
      expectCloseNum(evaluateMetric('accuracy', fx.Y, fx.A), meanAcc, 'evaluateMetric accuracy');
      for (const s of SCALARS) {
        const v = metricsFunctions(s)(fx.Y, fx.A);
        expect(typeof v).toBe('number');
        expectCloseNum(v as number, num(fx.values[s]), s); // NaN only matches NaN
        expectCloseNum(evaluateMetric(s, fx.Y, fx.A), num(fx.values[s]), `evaluateMetric ${s}`);
      }
      expect(fx.A.data, 'A not mutated').toEqual(aBefore);
    });
  }

  test('0/0 gives NaN (fixture and direct)', () => {
    expect(Number.isNaN(num(loadFixture('metric_single_03_degenerate').values.precision))).toBe(true);
    expect(Number.isNaN(precision(NDArray.from([[0], [1]]), NDArray.from([[0.9], [0.7]])))).toBe(true);
  });
});

describe('metric semantics', () => {
  test('class 0 is the positive class', () => {
    const Y = NDArray.from([[0], [0], [1], [1]]);
    const A = NDArray.from([[0.1], [0.8], [0.2], [0.9]]); // P = 0, 1, 0, 1 -> tp 1, fn 1, fp 1, tn 1
    expect(recall(Y, A)).toBe(0.5);
    const A2 = NDArray.from([[0.1], [0.2], [0.3], [0.9]]); // P = 0, 0, 0, 1 -> tp 2, fp 1, tn 1, fn 0
    expect(recall(Y, A2)).toBe(1);
    expect(precision(Y, A2)).toBeCloseTo(2 / 3, 15);
    expect(specificity(Y, A2)).toBe(0.5);
    expect(NPV(Y, A2)).toBe(1);
    expect(fscore(Y, A2)).toBe(2 / 2.5);
  });
  test('single column rounds half to even: 0.5 -> 0, 1.5 -> 2', () => {
    expect(Array.from(accuracy(NDArray.from([[0], [1], [2]]), NDArray.from([[0.5], [0.5], [1.5]])).data)).toEqual([1, 0, 1]);
  });
  test('one-hot argmax ties take the first index', () => {
    expect(Array.from(accuracy(NDArray.from([[1, 0], [0, 1]]), NDArray.from([[0.5, 0.5], [0.5, 0.5]])).data)).toEqual([1, 0]);
  });
});

describe('evaluateMetric with losses (EpyNN evaluate: np.mean of the per-sample loss)', () => {
  const Y = NDArray.from([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const A = NDArray.from([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.25, 0.25, 0.5]]);
  for (const name of ['MSE', 'MAE', 'MSLE', 'CCE', 'BCE']) {
    test(name, () => {
      const per = lossFunctions()[name](Y, A).data;
      expectCloseNum(evaluateMetric(name, Y, A), (per[0] + per[1] + per[2]) / 3, name);
    });
  }
});

describe('metric errors', () => {
  test('unknown metric names list the known ones', () => {
    expect(() => metricsFunctions('auc')).toThrow(EpyNNError);
    expect(() => metricsFunctions('auc')).toThrow("metric 'auc' is unknown; known metrics: accuracy, recall, precision, fscore, specificity, NPV");
    expect(() => evaluateMetric('auc', NDArray.from([[1]]), NDArray.from([[1]]))).toThrow(
      "evaluateMetric: 'auc' is neither a metric (accuracy, recall, precision, fscore, specificity, NPV) nor a loss (MSE, MAE, MSLE, CCE, BCE)",
    );
  });
  test('metricsFunctions() gives all six', () => {
    expect(Object.keys(metricsFunctions())).toEqual(['accuracy', 'recall', 'precision', 'fscore', 'specificity', 'NPV']);
  });
  test('Y and A must have the same 2-D shape', () => {
    expect(() => accuracy(NDArray.from([[1], [0]]), NDArray.from([[1, 0], [0, 1]]))).toThrow(ShapeError);
    expect(() => accuracy(NDArray.from([[1], [0]]), NDArray.from([[1, 0], [0, 1]]))).toThrow('accuracy: Y (2, 1) and A (2, 2) must have the same shape');
    expect(() => recall(NDArray.from([1, 0]), NDArray.from([1, 0]))).toThrow('recall: Y must be a 2-D array (m, k), got shape (2,)');
  });
});
