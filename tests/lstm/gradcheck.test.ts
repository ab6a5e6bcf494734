// LSTM: dX and the gradients of all four gates' U, V, b against central differences of L = Σ A ⊙ R.
import { sigmoid, tanh } from '../../src/activation/functions.js';
import { LSTM } from '../../src/lstm/models.js';
import { gradcheckSuite } from '../helpers/recurrent.js';

const grid: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [2, 4, 3, 2],
  [3, 6, 2, 4],
  [2, 3, 5, 3],
];
gradcheckSuite('LSTM', LSTM, grid, 31);
gradcheckSuite('LSTM (other gate activations)', LSTM, [[2, 5, 3, 3]], 32, {
  activate: sigmoid, activateOutput: tanh, activateCandidate: sigmoid, activateInput: tanh, activateForget: tanh,
});
