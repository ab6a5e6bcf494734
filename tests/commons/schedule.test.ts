// Fixtures: tests/fixtures/epynn/schedule_*.json, written by the reference NumPy EpyNN 1.2.11
// (epynn.network.hyperparameters.schedule_lrate(hParsIn, epochs)): the returned lrate and the
// mutated se_hPars (epochs, cycle_number, and decay_k = 5 / epc when it was 0).
import { describe, expect, test } from 'vitest';
import { EpyNNError } from '../../src/errors.js';
import { exp_decay, lin_decay, scheduleFunctions, scheduleLrate, steady } from '../../src/commons/schedule.js';
import { seHPars as FROZEN, defaultHPars } from '../../src/settings.js';
import { expectCloseNum } from '../helpers/close.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';

describe('schedules match EpyNN', () => {
  for (const name of fixtureNames('schedule_')) {
    test(name, () => {
      const fx = loadFixture(name);
      const hp = { ...fx.hParsIn };
      const out = scheduleLrate(hp, fx.epochs);
      expect(out.seHPars).toBe(hp); // written in place, like EpyNN
      expect(Object.keys(hp).sort()).toEqual(Object.keys(fx.hParsOut).sort());
      for (const [k, v] of Object.entries(fx.hParsOut)) {
        if (typeof v === 'number') expectCloseNum(hp[k], v, `hPars.${k}`);
        else expect(hp[k]).toBe(v);
      }
      expect(out.lrate).toHaveLength(fx.epochs);
      fx.lrate.forEach((v: number, i: number) => expectCloseNum(out.lrate[i], v, `lrate[${i}]`));
    });
  }
});

describe('schedule behaviour', () => {
  test('a second call keeps the decay_k filled by the first (EpyNN shares the dict)', () => {
    const hp = defaultHPars({ schedule: 'exp_decay' });
    scheduleLrate(hp, 10);
    expect(hp.decay_k).toBe(0.5);
    scheduleLrate(hp, 20);
    expect(hp.decay_k).toBe(0.5);
    expect(hp.epochs).toBe(20);
  });
  test('the functions take the named hyper-parameters', () => {
    const args = { e: 3, lr: 1, n: 1, k: 0.5, d: 0.5, epc: 2 };
    expect(steady(args)).toEqual([1, 1, 1]);
    expect(lin_decay(args)).toEqual([1, 1 / 51, 1 / 101]);
    expect(exp_decay(args)).toEqual([1, Math.exp(-0.5), 0.5]);
    expect(scheduleFunctions('steady', args)).toEqual([1, 1, 1]);
  });
});

describe('schedule errors', () => {
  test('unknown schedule lists the known ones', () => {
    expect(() => scheduleLrate(defaultHPars({ schedule: 'cosine' }), 5)).toThrow(EpyNNError);
    expect(() => scheduleLrate(defaultHPars({ schedule: 'cosine' }), 5)).toThrow("scheduleLrate: schedule 'cosine' is unknown; known schedules: exp_decay, lin_decay, steady");
    expect(() => scheduleFunctions('cosine', { e: 1, lr: 1, n: 1, k: 1, d: 0, epc: 1 })).toThrow("schedule 'cosine' is unknown");
  });
  test('the frozen defaults are refused, not mutated', () => {
    expect(() => scheduleLrate(FROZEN, 5)).toThrow(/scheduleLrate: seHPars is frozen/);
    expect(FROZEN.decay_k).toBe(0);
    expect('epochs' in FROZEN).toBe(false);
  });
  test.each([0, -1, 2.5, NaN])('trainingEpochs = %s is refused', (e) => {
    expect(() => scheduleLrate(defaultHPars(), e)).toThrow(/scheduleLrate: trainingEpochs must be a positive integer, got /);
  });
  test('seHPars must be an object', () => {
    expect(() => scheduleLrate(null as never, 5)).toThrow('scheduleLrate: seHPars must be an object, got null');
  });
});
