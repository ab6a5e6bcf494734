// LSTM: shape laws, option and input validation, no mutation of inputs, clipping and update.
import { LSTM } from '../../src/lstm/models.js';
import { propertySuite } from '../helpers/recurrent.js';

propertySuite('LSTM', LSTM, {
  U: 'Uf',
  V: 'Vf',
  defaults: {
    clipGradients: false,
    initialization: 'orthogonal',
    activation: { activate: 'tanh', activate_output: 'sigmoid', activate_candidate: 'tanh', activate_input: 'sigmoid', activate_forget: 'sigmoid' },
  },
});
