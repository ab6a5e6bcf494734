// GRU: shape laws, option and input validation, no mutation of inputs, clipping and update.
import { GRU } from '../../src/gru/models.js';
import { propertySuite } from '../helpers/recurrent.js';

propertySuite('GRU', GRU, {
  U: 'Uz',
  V: 'Vz',
  defaults: { clipGradients: false, initialization: 'orthogonal', activation: { activate: 'tanh', activate_update: 'sigmoid', activate_reset: 'sigmoid' } },
});
