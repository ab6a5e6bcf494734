// Fixtures: tests/fixtures/epynn/layer_rnn_*.json, written by the reference NumPy EpyNN 1.2.11 (float64):
// RNN(unit_cells, tanh, xavier, clip_gradients, sequences) on a random X (m, s, e), parameters from
// EpyNN's seeded initializer (biases mostly replaced by uniform(-0.5, 0.5)), a random dA; then forward,
// backward, compute_gradients. Parameters are injected: no RNG parity. Fixtures with clipGradients also
// store gradsUnclipped (checked by a second run with clipGradients = false).
import { expect, test } from 'vitest';
import { elu, identity, lrelu, relu, sigmoid, tanh } from '../../src/activation/functions.js';
import { RNN } from '../../src/rnn/models.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';
import { naiveRNN } from './naive.js';
import { fastPathSuite, fixtureSuite, kernelSuite, reuseSuite } from '../helpers/recurrent.js';

fixtureSuite('RNN', 'layer_rnn_', RNN, naiveRNN);

test('RNN: clipping is active in some fixtures and inactive in others', () => {
  const clipped = fixtureNames('layer_rnn_').map(loadFixture).filter((fx) => fx.gradsUnclipped);
  const changed = clipped.filter((fx) => fx.grads.dU.data.some((v: number, i: number) => v !== fx.gradsUnclipped.dU.data[i]));
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.length).toBeLessThan(clipped.length); // layer_rnn_04: dA scaled down, norm below 0.25
});

kernelSuite('RNN', RNN, naiveRNN, [
  [1, 1, 1, 1, false, { activate: tanh }],
  [3, 5, 4, 2, true, { activate: tanh }],
  [2, 7, 1, 6, false, { activate: sigmoid }],
  [4, 3, 6, 5, true, { activate: relu }],
  [1, 9, 3, 4, false, { activate: lrelu }],
  [2, 4, 3, 3, true, { activate: elu }],
  [5, 2, 2, 1, false, { activate: identity }],
  // Large enough for the packed GEMM path (edges: sizes not multiples of 4; m·s > 256: K split in dU, dV)
  [13, 23, 17, 21, true, { activate: tanh }],
  [9, 6, 33, 30, false, { activate: sigmoid }],
  [11, 5, 5, 26, true, { activate: elu }],
], 11);

fastPathSuite('RNN', RNN, { activate: tanh }, 31);
fastPathSuite('RNN (sigmoid)', RNN, { activate: sigmoid }, 32);

reuseSuite('RNN', RNN, [
  [5, 4, 3, 8, false, {}], // u even: the WebAssembly step kernels (step products by gemmStrided: small)
  [17, 6, 5, 16, true, {}], // m·u·u > 4096: the step products in WebAssembly too; m not a multiple of 4
  [9, 5, 4, 7, false, {}], // u odd: the TypeScript loops
  [6, 3, 2, 12, true, { activate: sigmoid }],
  [6, 3, 2, 12, false, { activate: relu }],
], ['dactivate'], 41);
