// Default hyperparameters, with EpyNN's keys and values (epynn/settings.py).

/** Layer hyper-parameters (EpyNN `se_hPars`). Keys keep EpyNN's spelling. */
export interface HPars {
  // Schedule learning rate
  learning_rate: number;
  schedule: 'steady' | 'exp_decay' | 'lin_decay' | (string & {});
  decay_k: number;
  cycle_epochs: number;
  cycle_descent: number;
  // Tune activation function
  ELU_alpha: number;
  LRELU_alpha: number;
  softmax_temperature: number;
  // Written by the learning-rate schedule (EpyNN's schedule_lrate)
  epochs?: number;
  cycle_number?: number;
}

const DEFAULTS: Readonly<HPars> = Object.freeze({
  learning_rate: 0.1,
  schedule: 'steady',
  decay_k: 0,
  cycle_epochs: 0,
  cycle_descent: 0,
  ELU_alpha: 1,
  LRELU_alpha: 0.3,
  softmax_temperature: 1,
});

/**
 * EpyNN's default hyperparameters. This object is frozen: spread it to make your own
 * (`{ ...seHPars, learning_rate: 0.01 }`); the library never mutates a shared default.
 */
export const seHPars: Readonly<HPars> = DEFAULTS;

/** A fresh, mutable copy of the defaults, optionally overridden. */
export function defaultHPars(overrides: Partial<HPars> = {}): HPars {
  return { ...DEFAULTS, ...overrides };
}
