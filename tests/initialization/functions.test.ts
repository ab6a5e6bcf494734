// src/initialization/functions.ts: xavier and orthogonal.
import { describe, expect, test } from 'vitest';
import { dot, transpose } from '../../src/commons/ndarray.js';
import { seededRng } from '../../src/commons/rng.js';
import { orthogonal, xavier } from '../../src/initialization/functions.js';

describe('initializers', () => {
  test('xavier scale follows sqrt(2 / sum(shape)) and is deterministic', () => {
    const W = xavier([200, 300], seededRng(1));
    const W2 = xavier([200, 300], seededRng(1));
    expect(W.data).toEqual(W2.data);
    let s2 = 0;
    for (const v of W.data) s2 += v * v;
    expect(Math.sqrt(s2 / W.size)).toBeCloseTo(Math.sqrt(2 / 500), 2);
  });
  test.each([[5, 3], [3, 5], [4, 4]])('orthogonal (%i, %i) has orthonormal rows or columns', (r, c) => {
    const W = orthogonal([r, c], seededRng(3));
    const G = r >= c ? dot(transpose(W), W) : dot(W, transpose(W));
    const n = Math.min(r, c);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(G.data[i * n + j] - (i === j ? 1 : 0))).toBeLessThan(1e-12);
  });
});
