// src/settings.ts: EpyNN's default hyperparameters.
import { describe, expect, test } from 'vitest';
import { defaultHPars, seHPars } from '../src/settings.js';

describe('settings', () => {
  test('default hyperparameters have EpyNN values and are never shared', () => {
    expect(seHPars).toEqual({ learning_rate: 0.1, schedule: 'steady', decay_k: 0, cycle_epochs: 0, cycle_descent: 0, ELU_alpha: 1, LRELU_alpha: 0.3, softmax_temperature: 1 });
    expect(Object.isFrozen(seHPars)).toBe(true);
    const mine = defaultHPars({ learning_rate: 0.01 });
    mine.decay_k = 3;
    expect(seHPars.decay_k).toBe(0);
  });
});
