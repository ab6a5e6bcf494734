// Learning-rate schedules (EpyNN commons/schedule.py) and schedule_lrate (EpyNN network/hyperparameters.py).
import { checkHPars, checkInteger, checkNumber, show } from './checks.js';
import { EpyNNError } from '../errors.js';
import type { HPars } from '../settings.js';
import { exp, pow } from '../fdlibm.js';

/** What a schedule needs: epochs e, learning rate lr, cycles n, decay k, cycle descent d, epochs per cycle epc. */
export interface ScheduleArgs {
  e: number;
  lr: number;
  n: number;
  k: number;
  d: number;
  epc: number;
}

/** A schedule: the learning rate of every epoch (length e). */
export type Schedule = (args: ScheduleArgs) => number[];

/** The schedule's arguments checked (a schedule called directly gets no NaN, no negative cycle). */
function checkArgs(where: string, { e, lr, n, k, d, epc }: ScheduleArgs, cycles = false): void {
  checkInteger(where, 'e', e, 0);
  checkNumber(where, 'lr', lr, { min: 0, exclusiveMin: true });
  if (!cycles) return;
  checkInteger(where, 'n', n, 0);
  checkNumber(where, 'k', k, { min: 0 });
  checkNumber(where, 'd', d, { min: 0 });
  checkInteger(where, 'epc', epc, 1);
}

/** Exponential decay within each cycle, lowered by (1 − d) per cycle: lr · (1 − d)^⌊x/epc⌋ · exp(−(x mod epc) · k). */
export function exp_decay(args: ScheduleArgs): number[] {
  checkArgs('exp_decay', args, true);
  const { e, lr, k, d, epc } = args;
  const lrate: number[] = [];
  for (let x = 0; x < e; x++) lrate.push(lr * pow(1 - d, Math.floor(x / epc)) * exp(-(x % epc) * k));
  return lrate;
}

/** Inverse-linear decay: lr / (1 + 100 · k · x) (no cycles). */
export function lin_decay(args: ScheduleArgs): number[] {
  checkArgs('lin_decay', args);
  const { e, lr, k } = args;
  checkNumber('lin_decay', 'k', k, { min: 0 });
  const lrate: number[] = [];
  for (let x = 0; x < e; x++) lrate.push(lr / (1 + k * 100 * x));
  return lrate;
}

/** Constant learning rate. */
export function steady(args: ScheduleArgs): number[] {
  checkArgs('steady', args);
  const { e, lr } = args;
  return new Array<number>(e).fill(lr);
}

const SCHEDULES: Readonly<Record<string, Schedule>> = Object.freeze({ exp_decay, lin_decay, steady });

/** Names of the known schedules. */
export function scheduleNames(): string[] {
  return Object.keys(SCHEDULES);
}

/** The schedule named `schedule` applied to `args` (EpyNN's schedule_functions). */
export function scheduleFunctions(schedule: string, args: ScheduleArgs): number[] {
  const f = Object.hasOwn(SCHEDULES, schedule) ? SCHEDULES[schedule] : undefined;
  if (f === undefined) {
    throw new EpyNNError(`schedule '${String(schedule)}' is unknown; known schedules: ${Object.keys(SCHEDULES).join(', ')}`);
  }
  return f(args);
}

/**
 * Learning rate for every epoch from the layer's hyper-parameters (EpyNN's schedule_lrate).
 *
 * Like EpyNN, it WRITES into `seHPars`: `epochs`, `cycle_number` (= ⌊epochs / epc⌋) and, when
 * `decay_k` is 0, `decay_k = 5 / epc` (about 1% of lr at the end of a cycle), where
 * epc = cycle_epochs || trainingEpochs. The same object is returned.
 *
 * A frozen object (such as the exported default `seHPars`) is refused with an error rather than
 * silently copied: pass the model's or the layer's own copy (`defaultHPars()`).
 */
export function scheduleLrate(seHPars: HPars, trainingEpochs: number): { seHPars: HPars; lrate: number[] } {
  if (seHPars === null || typeof seHPars !== 'object') {
    throw new EpyNNError(`scheduleLrate: seHPars must be an object, got ${show(seHPars)}`);
  }
  if (Object.isFrozen(seHPars)) {
    throw new EpyNNError('scheduleLrate: seHPars is frozen (the shared defaults?); it writes epochs, cycle_number and decay_k, so pass a copy such as defaultHPars()');
  }
  if (!Number.isInteger(trainingEpochs) || trainingEpochs < 1) {
    throw new EpyNNError(`scheduleLrate: trainingEpochs must be a positive integer, got ${show(trainingEpochs)}`);
  }
  if (!Object.hasOwn(SCHEDULES, seHPars.schedule)) {
    throw new EpyNNError(`scheduleLrate: schedule '${String(seHPars.schedule)}' is unknown; known schedules: ${Object.keys(SCHEDULES).join(', ')}`);
  }
  checkHPars('scheduleLrate', seHPars); // every field: a number where a number belongs, in range

  // Extract hyperparameters
  const e = (seHPars.epochs = trainingEpochs);
  const lr = seHPars.learning_rate;
  const d = seHPars.cycle_descent;
  let k = seHPars.decay_k;

  // Compute dependent hyperparameters
  const epc = seHPars.cycle_epochs ? seHPars.cycle_epochs : trainingEpochs;
  const n = (seHPars.cycle_number = Math.floor(e / epc)); // epc >= 1 here (EpyNN: 1 if not epc)

  // Default decay
  if (k === 0) {
    // ~ 1% of initial lr for last epoch in cycle
    k = seHPars.decay_k = 5 / epc;
  }

  // Compute learning rate schedule
  const lrate = scheduleFunctions(seHPars.schedule, { e, lr, n, k, d, epc });

  return { seHPars, lrate };
}
