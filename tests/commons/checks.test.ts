// The helpers of src/commons/checks.ts: the one value printer, did-you-mean, options, finiteness, sizes.
import { describe, expect, test } from 'vitest';
import {
  MAX_ELEMENTS, checkFinite, checkOptions, checkSize, closestKey, editDistance, multiIndex, show,
} from '../../src/commons/checks.js';
import { EpyNNError, NonFiniteError, ShapeError } from '../../src/errors.js';
import { zeros } from '../../src/commons/ndarray.js';

describe('show prints a received value one way', () => {
  test.each([
    [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [0.1, '0.1'], ['0.1', "'0.1'"],
    [[2, '2'], "[2, '2']"], [null, 'null'], [undefined, 'undefined'], [true, 'true'], [{}, 'an object'],
    [new Map(), 'a Map'], [zeros([2, 3]), 'an NDArray of shape (2, 3)'], [new Float64Array(3), 'a Float64Array(3)'],
    [function relu() {}, 'function relu'], [10n, '10n'], [[[1, [2]]], '[[1, an Array(1)]]'],
    [Array.from({ length: 10 }, (_, i) => i), '[0, 1, 2, 3, 4, 5, 6, 7, … 10 items]'],
  ])('%s', (v, text) => {
    expect(show(v)).toBe(text);
  });
});

describe('did-you-mean', () => {
  test('edit distance counts a transposition as one edit', () => {
    expect(editDistance('widht', 'width')).toBe(1);
    expect(editDistance('unit', 'units')).toBe(1);
    expect(editDistance('abc', 'xyz')).toBe(3);
  });

  test.each([
    ['unit_filters', 'unitFilters', true], ['se_hPars', 'seHPars', true], ['X_encode', 'XEncode', true],
    ['learningRate', 'learning_rate', true], ['verbos', 'verbose', false], ['zzz', undefined, false],
  ])('%s -> %s', (key, want, spelling) => {
    const known = ['unitFilters', 'seHPars', 'XEncode', 'learning_rate', 'verbose'];
    const got = closestKey(key, known);
    expect(got?.key).toBe(want);
    if (want !== undefined) expect(got?.spelling).toBe(spelling);
  });
});

describe('checkOptions', () => {
  test('returns a copy of the own keys only', () => {
    const proto = { inherited: 1 };
    const o = Object.assign(Object.create(proto), { a: 1 });
    const out = checkOptions('f', o, ['a', 'inherited']);
    expect(out).toEqual({ a: 1 });
    expect(out).not.toBe(o);
  });

  test('undefined is no options; an array is not options', () => {
    expect(checkOptions('f', undefined, [])).toEqual({});
    expect(() => checkOptions('f', [] as never, [])).toThrow(EpyNNError);
  });
});

describe('finiteness and sizes', () => {
  test('checkFinite names the first offending index', () => {
    const x = zeros([2, 3]);
    x.data[4] = -Infinity;
    expect(() => checkFinite('f', 'X', x)).toThrow(NonFiniteError);
    expect(() => checkFinite('f', 'X', x)).toThrow('f: X must hold finite numbers, got -Infinity at X[1, 1]');
    expect(multiIndex(23, [2, 3, 4])).toBe('[1, 2, 3]');
  });

  test('checkSize allows MAX_ELEMENTS and refuses one more', () => {
    expect(checkSize('f', 'a', [MAX_ELEMENTS])).toBe(MAX_ELEMENTS);
    expect(() => checkSize('f', 'a', [MAX_ELEMENTS + 1])).toThrow(ShapeError);
    // (M + 3) & ~3 of the largest allowed M still fits a 32-bit integer
    expect(((MAX_ELEMENTS + 3) & ~3) > 0).toBe(true);
  });
});
