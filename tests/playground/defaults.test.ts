// The playground's default dummy_string network learns (it used to stay at the majority class: LSTM(8) →
// Dense(2) ended at dval 0.51, every prediction one class).
import { describe, expect, test } from 'vitest';
import { buildModel } from '../../playground/src/network.js';
import { defaultSession, trainHPars } from '../../playground/src/spec.js';

describe('playground defaults', () => {
  test('dummy_string: the default network ends clearly above the majority-class baseline on dval', () => {
    const s = defaultSession('dummy_string');
    const m = buildModel(s);
    m.initialize({ loss: s.train.loss, seed: s.train.seed, quiet: true, seHPars: trainHPars(s.train) });
    m.train({ epochs: s.train.epochs, quiet: true });
    const y = m.embedding.dval.y!.data;
    const ones = y.reduce((a, v) => a + v, 0);
    const majority = Math.max(ones, y.length - ones) / y.length;
    const acc = m.metrics.accuracy[1].at(-1)!;
    expect(acc).toBeGreaterThan(majority + 0.2);
  });
});
