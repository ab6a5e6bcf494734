// Fixtures: tests/fixtures/epynn/layer_dense_*.json, written by the reference NumPy EpyNN 1.2.11
// (oracle/gen_fixtures.py): Dense(units, activate, initialization, se_hPars) with compute_shapes(X),
// initialize_parameters() (biases then replaced by uniform(-0.5, 0.5)), forward(X), backward(dA),
// compute_gradients(). We inject X, p.W, p.b and dA and compare every cache and gradient.
// Softmax with T != 1: EpyNN's gradient lacks 1/T; the fixture's `trueGradient` holds the exact one.
import { describe, expect, test } from 'vitest';
import { getActivation } from '../../src/activation/functions.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { Dense } from '../../src/dense/models.js';
import { getInitializer } from '../../src/initialization/functions.js';
import { defaultHPars } from '../../src/settings.js';
import { expectClose } from '../helpers/close.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';

/** Plain reference kernels (the straightforward triple loops) for the fast ones in src/dense. */
function naiveDense(X: NDArray, W: NDArray, b: NDArray, dZ: NDArray) {
  const [m, n] = X.shape;
  const u = W.shape[1];
  const Z = new Float64Array(m * u);
  const dX = new Float64Array(m * n);
  const dW = new Float64Array(n * u);
  const db = new Float64Array(u);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < u; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += X.data[i * n + k] * W.data[k * u + j];
      Z[i * u + j] = s + b.data[j];
    }
  for (let i = 0; i < m; i++)
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < u; j++) s += dZ.data[i * u + j] * W.data[k * u + j];
      dX[i * n + k] = s;
    }
  for (let k = 0; k < n; k++)
    for (let j = 0; j < u; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += X.data[i * n + k] * dZ.data[i * u + j];
      dW[k * u + j] = s;
    }
  for (let j = 0; j < u; j++) for (let i = 0; i < m; i++) db[j] += dZ.data[i * u + j];
  return {
    Z: new NDArray(Z, [m, u]),
    dX: new NDArray(dX, [m, n]),
    dW: new NDArray(dW, [n, u]),
    db: new NDArray(db, [1, u]),
  };
}

function build(fx: any): Dense {
  const layer = new Dense({
    units: fx.config.units,
    activate: getActivation(fx.config.activate),
    initialization: getInitializer(fx.config.initialization),
    seHPars: defaultHPars(fx.hPars),
  });
  layer.computeShapes(fx.X);
  layer.p.W = fx.params.W;
  layer.p.b = fx.params.b;
  return layer;
}

describe('Dense matches EpyNN', () => {
  for (const name of fixtureNames('layer_dense_')) {
    test(name, () => {
      const fx = loadFixture(name);
      expect(fx.layer).toBe('Dense');
      const layer = build(fx);
      expect(layer.toConfig()).toEqual(fx.config);
      expect(layer.activation).toEqual({ activate: fx.config.activate });
      const xBefore = fx.X.data.slice();
      const dABefore = fx.dA.data.slice();
      const wBefore = fx.params.W.data.slice();

      const A = layer.forward(fx.X);
      const dX = layer.backward(fx.dA);
      layer.computeGradients();

      expect(layer.d).toEqual(fx.dims);
      expectClose(layer.fc.Z, fx.fc.Z, 'fc.Z');
      expectClose(A, fx.A, 'A');
      expect(layer.fs).toEqual({ X: fx.X.shape, W: fx.params.W.shape, b: [1, fx.config.units], Z: fx.A.shape, A: fx.A.shape });
      expect(layer.bs).toEqual({ dA: fx.dA.shape, dZ: fx.A.shape, dX: fx.X.shape });
      // EpyNN's db is (u,); we keep b's shape (1, u), as the fixture stores it
      expect(fx.epynnGradShapes.db).toEqual([fx.config.units]);

      // Gradients: EpyNN's where exact, the exact ones where EpyNN is wrong (softmax T != 1)
      const ref = fx.trueGradient ?? { dZ: fx.bc.dZ, dX: fx.dX, dW: fx.grads.dW, db: fx.grads.db };
      expectClose(layer.bc.dZ, ref.dZ, 'bc.dZ');
      expectClose(dX, ref.dX, 'bc.dX');
      expectClose(layer.g.dW, ref.dW, 'g.dW');
      expectClose(layer.g.db, ref.db, 'g.db');
      if (fx.trueGradient) {
        // Documents EpyNN's bug: its stored gradient is T times the exact one
        const T = fx.hPars.softmax_temperature;
        expect(T).not.toBe(1);
        expect(() => expectClose(dX, fx.dX, 'EpyNN dX')).toThrow();
        expectClose(new NDArray(dX.data.map((v) => v * T), dX.shape), fx.dX, 'T · dX vs EpyNN dX');
      }

      // Fast kernels agree with the plain triple loops
      const naive = naiveDense(fx.X, layer.p.W, layer.p.b, layer.bc.dZ);
      expectClose(layer.fc.Z, naive.Z, 'Z vs naive', { atol: 1e-13, rtol: 1e-12 });
      expectClose(dX, naive.dX, 'dX vs naive', { atol: 1e-13, rtol: 1e-12 });
      expectClose(layer.g.dW, naive.dW, 'dW vs naive', { atol: 1e-13, rtol: 1e-12 });
      expectClose(layer.g.db, naive.db, 'db vs naive', { atol: 1e-13, rtol: 1e-12 });

      expect(fx.X.data, 'X not mutated').toEqual(xBefore);
      expect(fx.dA.data, 'dA not mutated').toEqual(dABefore);
      expect(layer.p.W.data, 'W not mutated').toEqual(wBefore);
    });
  }
});

describe('Dense updateParameters', () => {
  test('p -= lrate[e] · g, and nothing when not trainable', () => {
    const fx = loadFixture('layer_dense_01_n6_u3_relu');
    const layer = build(fx);
    layer.p.W = fx.params.W.copy();
    layer.p.b = fx.params.b.copy();
    layer.lrate = [0.5, 0.25];
    layer.e = 1;
    layer.forward(fx.X);
    layer.backward(fx.dA);
    layer.computeGradients();
    layer.updateParameters();
    expectClose(layer.p.W, new NDArray(fx.params.W.data.map((v: number, i: number) => v - 0.25 * fx.grads.dW.data[i]), fx.params.W.shape), 'W');
    expectClose(layer.p.b, new NDArray(fx.params.b.data.map((v: number, i: number) => v - 0.25 * fx.grads.db.data[i]), fx.params.b.shape), 'b');
    const W1 = layer.p.W.data.slice();
    layer.trainable = false;
    layer.updateParameters();
    expect(layer.p.W.data).toEqual(W1);
  });
});
