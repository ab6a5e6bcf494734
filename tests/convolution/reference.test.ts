// Fixtures: tests/fixtures/epynn/layer_conv_*.json, written by the reference NumPy EpyNN 1.2.11
// (float64): Convolution(**epynnArgs) with se_hPars set on the layer, compute_shapes(X), parameters from
// EpyNN's initializer (biases then replaced by uniform(-0.5, 0.5) in most cases), forward(X),
// backward(dA), compute_gradients(). EpyNN's padding is broken, so padded cases were produced by
// zero-padding X in Python, running EpyNN with padding 0 and cropping dX: they encode the documented
// semantics, which this port implements. Parameters are injected: no RNG parity.
import { describe, expect, test } from 'vitest';
import { getActivation } from '../../src/activation/functions.js';
import { getInitializer } from '../../src/initialization/functions.js';
import { Convolution } from '../../src/convolution/models.js';
import { expectClose } from '../helpers/close.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';

const names = fixtureNames('layer_conv_');

test('there are 18 convolution fixtures', () => {
  expect(names.length).toBe(18);
});

describe('convolution matches EpyNN', () => {
  for (const name of names) {
    test(name, () => {
      const fx = loadFixture(name);
      const cfg = fx.config;
      const layer = new Convolution({
        unitFilters: cfg.unitFilters,
        filterSize: cfg.filterSize,
        strides: cfg.strides ?? undefined,
        padding: cfg.padding,
        activate: getActivation(cfg.activate),
        initialization: getInitializer(cfg.initialization),
        useBias: cfg.useBias,
        seHPars: fx.hPars,
      });
      const Xbefore = fx.X.data.slice();
      const dAbefore = fx.dA.data.slice();
      layer.computeShapes(fx.X);
      for (const [k, v] of Object.entries(fx.dims)) expect(layer.d[k], `d.${k}`).toBe(v);
      expect(layer.fs.W).toEqual(fx.params.W.shape);
      expect(layer.fs.b).toEqual(fx.params.b.shape);
      layer.p.W = fx.params.W;
      layer.p.b = fx.params.b;

      const A = layer.forward(fx.X);
      const dX = layer.backward(fx.dA);
      layer.computeGradients();

      expectClose(layer.fc.Z, fx.fc.Z, 'fc.Z');
      expectClose(A, fx.A, 'A');
      expectClose(layer.bc.dZ, fx.bc.dZ, 'bc.dZ');
      expectClose(dX, fx.dX, 'dX'); // unpadded (m, h, w, d)
      expectClose(layer.g.dW, fx.grads.dW, 'g.dW');
      expectClose(layer.g.db, fx.grads.db, 'g.db'); // (u,) always; zeros when useBias is false
      expect(layer.fs.X).toEqual(fx.X.shape);
      expect(layer.fs.A).toEqual(fx.A.shape);
      expect(layer.bs.dX).toEqual(fx.X.shape);
      expect(fx.X.data, 'X not mutated').toEqual(Xbefore);
      expect(fx.dA.data, 'dA not mutated').toEqual(dAbefore);
      expect(layer.toConfig()).toEqual({ ...cfg, strides: cfg.strides ?? cfg.filterSize });
      expect(layer.activation).toEqual({ activate: cfg.activate });
    });
  }
});
