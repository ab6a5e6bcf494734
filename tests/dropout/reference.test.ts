// Fixtures: tests/fixtures/epynn/layer_dropout_*.json, written by the reference NumPy EpyNN 1.2.11
// (oracle/gen_fixtures.py): Dropout(drop_prob, axis).forward(X) then backward(dA); EpyNN's mask
// fc.D came from layer.np_rng (PCG64), so it is injected here through a stub layer.rng.
// In: X, dA, config, fc.D. Out: A, dX, dims.
import { describe, expect, test } from 'vitest';
import { Dropout } from '../../src/dropout/models.js';
import { expectClose } from '../helpers/close.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';
import { cyclingRng, uniformsFor } from './stub.js';

const names = fixtureNames('layer_dropout_');

describe('Dropout matches EpyNN (mask injected, training mode)', () => {
  test('fixtures are present', () => expect(names.length).toBeGreaterThanOrEqual(4));

  for (const name of names) {
    test(name, () => {
      const fx = loadFixture(name);
      const layer = new Dropout({ ...fx.config, seHPars: fx.hPars });
      layer.training = true;
      const p = fx.config.dropProb;
      const rng = (layer.rng = cyclingRng(uniformsFor(fx.fc.D, p)));
      const xBefore = fx.X.data.slice();
      const daBefore = fx.dA.data.slice();

      const A = layer.forward(fx.X);
      const dX = layer.backward(fx.dA);

      expect(rng.calls, 'one uniform per mask entry').toBe(fx.fc.D.size);
      expectClose(layer.fc.D, fx.fc.D, 'fc.D'); // shape (1 on `axis`) and values
      expectClose(A, fx.A, 'A');
      expectClose(dX, fx.dX, 'dX');
      const { a, ...dims } = fx.dims;
      expect(layer.d).toEqual(dims);
      expect(layer.axis).toEqual(a); // EpyNN d['a']
      expect(layer.fs).toEqual({ X: fx.X.shape, D: fx.fc.D.shape, A: fx.A.shape });
      expect(layer.bs).toEqual({ dA: fx.dA.shape, dX: fx.X.shape });
      expect(layer.toConfig()).toEqual(fx.config);
      expect(fx.X.data, 'X not mutated').toEqual(xBefore);
      expect(fx.dA.data, 'dA not mutated').toEqual(daBefore);
    });
  }
});
