// Builds layers from the fixtures' `{ layer, config }` architecture entries (EpyNN keyword names in camelCase).
import { getActivation } from '../../src/activation/functions.js';
import type { Layer } from '../../src/commons/models.js';
import { Convolution } from '../../src/convolution/models.js';
import { Dense } from '../../src/dense/models.js';
import { Dropout } from '../../src/dropout/models.js';
import { Flatten } from '../../src/flatten/models.js';
import { getInitializer } from '../../src/initialization/functions.js';
import { Pooling } from '../../src/pooling/models.js';
import { RNN } from '../../src/rnn/models.js';
import { LSTM } from '../../src/lstm/models.js';
import { GRU } from '../../src/gru/models.js';

/** Converts a fixture config: activation and initialization names to functions, null to undefined, units to unitCells. */
export function fixtureOptions(layer: string, config: Record<string, any>): Record<string, any> {
  const o: Record<string, any> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === null) continue;
    if (k.startsWith('activate')) o[k] = getActivation(v);
    else if (k === 'initialization') o[k] = getInitializer(v);
    else if (k === 'units' && ['RNN', 'LSTM', 'GRU'].includes(layer)) o.unitCells = v;
    else o[k] = v;
  }
  return o;
}

export function buildLayer(spec: { layer: string; config: Record<string, any> }): Layer {
  const o = fixtureOptions(spec.layer, spec.config);
  switch (spec.layer) {
    case 'Dense': return new Dense(o);
    case 'Flatten': return new Flatten();
    case 'Dropout': return new Dropout(o);
    case 'Convolution': return new Convolution(o);
    case 'Pooling': return new Pooling(o);
    case 'RNN': return new RNN(o);
    case 'LSTM': return new LSTM(o);
    case 'GRU': return new GRU(o);
    default: throw new Error(`buildLayer: unknown layer ${spec.layer}`);
  }
}
