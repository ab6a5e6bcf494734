// GRU: dX and the gradients of the update, reset and hidden-hat U, V, b against central differences.
import { sigmoid, tanh } from '../../src/activation/functions.js';
import { GRU } from '../../src/gru/models.js';
import { gradcheckSuite } from '../helpers/recurrent.js';

const grid: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [2, 4, 3, 2],
  [3, 6, 2, 4],
  [2, 3, 5, 3],
];
gradcheckSuite('GRU', GRU, grid, 41);
gradcheckSuite('GRU (other gate activations)', GRU, [[2, 5, 3, 3]], 42, { activate: sigmoid, activateUpdate: tanh, activateReset: tanh });
