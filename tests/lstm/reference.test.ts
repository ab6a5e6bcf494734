// Fixtures: tests/fixtures/epynn/layer_lstm_*.json, written by the reference NumPy EpyNN 1.2.11 (float64):
// LSTM(unit_cells, tanh, sigmoid, tanh, sigmoid, sigmoid, orthogonal, clip_gradients, sequences) on a
// random X (m, s, e), parameters from EpyNN's seeded initializer (biases mostly replaced by
// uniform(-0.5, 0.5)), a random dA; then forward, backward, compute_gradients. Parameters are injected:
// no RNG parity. The fixtures' bc omits EpyNN's never-written `dz_` (we do not allocate it either).
import { elu, identity, relu, sigmoid, tanh } from '../../src/activation/functions.js';
import { LSTM } from '../../src/lstm/models.js';
import { fastPathSuite, fixtureSuite, kernelSuite, reuseSuite } from '../helpers/recurrent.js';
import { naiveLSTM } from './naive.js';

fixtureSuite('LSTM', 'layer_lstm_', LSTM, naiveLSTM);

kernelSuite('LSTM', LSTM, naiveLSTM, [
  [1, 1, 1, 1, false, {}],
  [3, 5, 4, 2, true, {}],
  [2, 7, 1, 6, false, { activate: relu, activateCandidate: identity }],
  [4, 3, 6, 5, true, { activateOutput: tanh, activateInput: tanh, activateForget: sigmoid }],
  [1, 9, 3, 4, false, { activate: elu, activateCandidate: sigmoid }],
  [2, 4, 3, 3, true, {}],
  // Large enough for the packed GEMM path (edges: sizes not multiples of 4; m·s > 256: K split in dU, dV)
  [13, 23, 17, 21, true, {}],
  [9, 6, 33, 30, false, { activate: relu, activateInput: tanh }],
], 12);

fastPathSuite('LSTM', LSTM, { activate: tanh, activateOutput: sigmoid, activateCandidate: tanh, activateInput: sigmoid, activateForget: sigmoid }, 33);
fastPathSuite('LSTM (swapped)', LSTM, { activate: sigmoid, activateOutput: tanh, activateCandidate: sigmoid, activateInput: tanh, activateForget: tanh }, 34);

reuseSuite('LSTM', LSTM, [
  [5, 4, 3, 8, false, {}], // u even: the WebAssembly step kernels (step products by gemmStrided: small)
  [17, 6, 5, 16, true, {}], // m·u·u > 4096: the step products in WebAssembly too; m not a multiple of 4
  [9, 5, 4, 7, false, {}], // u odd: the TypeScript loops
  [6, 3, 2, 12, true, { activateOutput: tanh, activateInput: tanh, activateForget: tanh, activate: sigmoid }],
  [6, 3, 2, 12, false, { activate: relu, activateCandidate: identity }],
], ['dactivate', 'dactivateOutput', 'dactivateCandidate', 'dactivateInput', 'dactivateForget'], 42);
