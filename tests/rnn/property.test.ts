// RNN: shape laws, option and input validation, no mutation of inputs, clipping and update.
import { RNN } from '../../src/rnn/models.js';
import { propertySuite } from '../helpers/recurrent.js';

propertySuite('RNN', RNN, { U: 'U', V: 'V', defaults: { clipGradients: true, initialization: 'xavier', activation: { activate: 'tanh' } } });
