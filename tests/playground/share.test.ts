// Experiments in the URL hash (playground/src/share.ts): a session survives the round trip, and a bad
// link says what is wrong instead of breaking the page.
import { describe, expect, test } from 'vitest';
import { fromHash, toHash } from '../../playground/src/share.js';
import { defaultSession, layerSpec } from '../../playground/src/spec.js';

const METRICS = ['accuracy', 'recall', 'precision', 'fscore'];

describe('URL hash', () => {
  test('every default session and an edited one come back equal, with metrics and the run flag', () => {
    for (const kind of ['mnist', 'dummy_image', 'dummy_time', 'dummy_string'] as const) {
      const s = defaultSession(kind);
      const back = fromHash(`#${toHash(s, ['accuracy'])}`, METRICS);
      expect(back && 'session' in back ? back.session : back).toEqual(s);
    }
    const s = defaultSession('mnist');
    s.layers = [layerSpec('Convolution', { unitFilters: 3, activate: 'tanh', useBias: false }), layerSpec('Flatten'), layerSpec('Dropout', { dropProb: 0.35 }), layerSpec('Dense', { units: 10, activate: 'softmax' })];
    Object.assign(s.train, { learningRate: 0.0125, schedule: 'exp_decay', decayK: 0.2, cycleEpochs: 2, cycleDescent: 0.5, epochs: 7, batchSize: 17, seed: -42, backend: 'js' });
    s.data.samples = 777;
    const hash = toHash(s, ['accuracy', 'fscore'], true);
    expect(hash).toContain('net=Convolution(unitFilters=3,activate=tanh,useBias=false)~Flatten~Dropout(dropProb=0.35)~Dense(units=10,activate=softmax)');
    const back = fromHash(hash, METRICS);
    expect(back).toEqual({ session: s, metrics: ['accuracy', 'fscore'], run: true });
  });

  test('a link without an experiment is ignored; a broken one names its problem', () => {
    expect(fromHash('', METRICS)).toBeUndefined();
    expect(fromHash('#section', METRICS)).toBeUndefined();
    expect(fromHash('#data=cifar', METRICS)).toEqual({ error: expect.stringContaining("'cifar'") });
    expect(fromHash('#data=mnist&net=Dense(units=many)', METRICS)).toEqual({ error: expect.stringContaining('units=many is not a number') });
    expect(fromHash('#data=mnist&net=Dense(size=3)', METRICS)).toEqual({ error: expect.stringContaining("no option 'size'") });
    expect(fromHash('#data=mnist&net=Conv', METRICS)).toEqual({ error: expect.stringContaining("layer 'Conv'") });
    expect(fromHash('#data=mnist&epochs=2.5', METRICS)).toEqual({ error: expect.stringContaining('epochs=2.5 is not an integer') });
  });
});
