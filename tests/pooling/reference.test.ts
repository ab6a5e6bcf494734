// Fixtures: tests/fixtures/epynn/layer_pool_*.json, written by the reference NumPy EpyNN 1.2.11
// (oracle/gen_fixtures.py): Pooling(pool_size, strides, np.max|np.min) on X, then backward(dA).
// In: X, dA, config. Out: A (= fc.Z), dX, dims. `layer_pool_ties_*` has integer inputs with ties.
import { describe, expect, test } from 'vitest';
import { Pooling } from '../../src/pooling/models.js';
import { expectClose } from '../helpers/close.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';

const names = fixtureNames('layer_pool_');

describe('Pooling matches EpyNN', () => {
  test('fixtures are present', () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(names).toContain('layer_pool_ties_max_p2x2');
  });

  for (const name of names) {
    test(name, () => {
      const fx = loadFixture(name);
      const layer = new Pooling({ ...fx.config, seHPars: fx.hPars });
      const X = fx.X;
      const dA = fx.dA;
      const xBefore = X.data.slice();
      const daBefore = dA.data.slice();

      const A = layer.forward(X);
      const dX = layer.backward(dA);

      expectClose(A, fx.A, 'A');
      expect(layer.fc.Z, 'fc.Z is A, as in EpyNN').toBe(layer.fc.A);
      if (fx.fc.Z !== undefined) expectClose(layer.fc.Z, fx.fc.Z, 'fc.Z');
      expectClose(dX, fx.dX, 'dX');
      expect(layer.d).toEqual(fx.dims);
      expect(layer.fs.X).toEqual(fx.X.shape);
      expect(layer.fs.Xb).toEqual([fx.dims.m, fx.dims.oh, fx.dims.ow, fx.dims.ph, fx.dims.pw, fx.dims.d]);
      expect(layer.fs.A).toEqual(fx.A.shape);
      expect(layer.bs).toEqual({ dA: fx.dA.shape, dX: fx.X.shape });
      expect(layer.activation).toEqual({ pool: fx.config.pool });
      expect(layer.toConfig()).toEqual({ ...fx.config, strides: fx.config.strides ?? fx.config.poolSize });
      expect(Array.from(X.data), 'X not mutated').toEqual(Array.from(xBefore));
      expect(Array.from(dA.data), 'dA not mutated').toEqual(Array.from(daBefore));
    });
  }

  test('ties: every tied maximum receives the full gradient (EpyNN mask Z == X)', () => {
    const fx = loadFixture('layer_pool_ties_max_p2x2');
    expect(fx.ties).toBe(true);
    const layer = new Pooling(fx.config);
    layer.forward(fx.X);
    const dX = layer.backward(fx.dA);
    // With ties, the positions receiving gradient outnumber the windows, so the fixture really tests ties
    const nonzero = dX.data.filter((v) => v !== 0).length;
    expect(nonzero).toBeGreaterThan(fx.A.size);
    expectClose(dX, fx.dX, 'dX');
  });
});
