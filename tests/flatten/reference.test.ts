// Fixtures: tests/fixtures/epynn/layer_flatten_*.json, written by the reference NumPy EpyNN 1.2.11
// (oracle/gen_fixtures.py): Flatten().forward(X), backward(dA) on 2-D, 3-D and 4-D inputs.
import { describe, expect, test } from 'vitest';
import { Flatten } from '../../src/flatten/models.js';
import { expectClose } from '../helpers/close.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';

describe('Flatten matches EpyNN', () => {
  for (const name of fixtureNames('layer_flatten_')) {
    test(name, () => {
      const fx = loadFixture(name);
      expect(fx.layer).toBe('Flatten');
      const layer = new Flatten();
      expect(layer.toConfig()).toEqual(fx.config);
      const xBefore = fx.X.data.slice();
      const dABefore = fx.dA.data.slice();

      const A = layer.forward(fx.X);
      const dX = layer.backward(fx.dA);
      layer.computeGradients();
      layer.updateParameters();

      expect(layer.d).toEqual(fx.dims);
      expectClose(A, fx.A, 'A');
      expectClose(dX, fx.dX, 'bc.dX');
      expect(layer.p).toEqual(fx.params);
      expect(layer.g).toEqual(fx.grads);
      expect(layer.fs).toEqual({ X: fx.X.shape, A: fx.A.shape });
      expect(layer.bs).toEqual({ dA: fx.dA.shape, dX: fx.X.shape });
      expect(fx.X.data, 'X not mutated').toEqual(xBefore);
      expect(fx.dA.data, 'dA not mutated').toEqual(dABefore);
    });
  }
});
