// Fixtures: tests/fixtures/epynn/layer_gru_*.json, written by the reference NumPy EpyNN 1.2.11 (float64):
// GRU(unit_cells, tanh, sigmoid, sigmoid, orthogonal, clip_gradients, sequences) on a random X (m, s, e),
// parameters from EpyNN's seeded initializer (biases mostly replaced by uniform(-0.5, 0.5)), a random dA;
// then forward, backward, compute_gradients. Parameters are injected: no RNG parity.
import { elu, identity, relu, sigmoid, tanh } from '../../src/activation/functions.js';
import { GRU } from '../../src/gru/models.js';
import { fastPathSuite, fixtureSuite, kernelSuite, reuseSuite } from '../helpers/recurrent.js';
import { naiveGRU } from './naive.js';

fixtureSuite('GRU', 'layer_gru_', GRU, naiveGRU);

kernelSuite('GRU', GRU, naiveGRU, [
  [1, 1, 1, 1, false, {}],
  [3, 5, 4, 2, true, {}],
  [2, 7, 1, 6, false, { activate: relu }],
  [4, 3, 6, 5, true, { activateUpdate: tanh, activateReset: identity }],
  [1, 9, 3, 4, false, { activate: elu, activateReset: sigmoid }],
  [2, 4, 3, 3, true, {}],
  // Large enough for the packed GEMM path (edges: sizes not multiples of 4; m·s > 256: K split in dU, dV)
  [13, 23, 17, 21, true, {}],
  [9, 6, 33, 30, false, { activate: relu, activateUpdate: tanh }],
], 13);

fastPathSuite('GRU', GRU, { activate: tanh, activateUpdate: sigmoid, activateReset: sigmoid }, 35);
fastPathSuite('GRU (swapped)', GRU, { activate: sigmoid, activateUpdate: tanh, activateReset: tanh }, 36);

reuseSuite('GRU', GRU, [
  [5, 4, 3, 8, false, {}], // u even: the WebAssembly step kernels (step products by gemmStrided: small)
  [17, 6, 5, 16, true, {}], // m·u·u > 4096: the step products in WebAssembly too; m not a multiple of 4
  [9, 5, 4, 7, false, {}], // u odd: the TypeScript loops
  [6, 3, 2, 12, true, { activate: sigmoid, activateUpdate: tanh, activateReset: tanh }],
  [6, 3, 2, 12, false, { activate: relu }],
], ['dactivate', 'dactivateUpdate', 'dactivateReset', 'rhp', 't'], 43);
