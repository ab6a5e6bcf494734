// RNN: dX, dU, dV, db against central differences of L = Σ A ⊙ R (clipping off).
import { sigmoid } from '../../src/activation/functions.js';
import { RNN } from '../../src/rnn/models.js';
import { gradcheckSuite } from '../helpers/recurrent.js';

const grid: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [2, 4, 3, 2],
  [3, 6, 2, 4],
  [2, 3, 5, 3],
];
gradcheckSuite('RNN', RNN, grid, 21);
gradcheckSuite('RNN (sigmoid)', RNN, [[2, 5, 3, 3]], 22, { activate: sigmoid });
