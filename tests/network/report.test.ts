// The progress line's time to completion counts the evaluations still to come, not only training.
import { describe, expect, test } from 'vitest';
import { NDArray } from '../../src/commons/ndarray.js';
import { timeToCompletion } from '../../src/network/report.js';
import type { EpyNN } from '../../src/network/models.js';

const set = (n: number) => ({ X: new NDArray(new Float64Array(n), [n, 1]) });

function fake(over: Partial<EpyNN>): EpyNN {
  return {
    epochs: 10, startEpoch: 0, evalTime: 0, evalCount: 0, activeSlots: [0, 1],
    embedding: { dtrain: set(800), dval: set(400), dtest: set(0) },
    ...over,
  } as unknown as EpyNN;
}

describe('timeToCompletion', () => {
  test('after two epochs: training left at the training speed plus evaluations left at their measured time', () => {
    // 12 s elapsed, 2 s of them evaluating (2 evaluations): 5 s per training epoch, 1 s per evaluation
    expect(timeToCompletion(fake({ evalTime: 2000, evalCount: 2 }), 12, 2, 800)).toBeCloseTo(8 * 5 + 8 * 1, 9);
  });

  test('in the first epoch the evaluation is estimated (a third of a training step per evaluated sample)', () => {
    // half an epoch in 4 s: 8 s per epoch, 0.01 s per training sample; 1,200 evaluated samples -> 4 s
    const ttc = timeToCompletion(fake({}), 4, 0.5, 800);
    expect(ttc).toBeCloseTo(9.5 * 8 + 10 * 4, 9);
    // a training-only estimate would have said 76 s
    expect(ttc).toBeGreaterThan(9.5 * 8);
  });
});

describe('undefined metrics in the report', () => {
  test("a NaN metric (precision without a positive prediction) prints as n/a with a footnote, never 'NaN'", async () => {
    const { Dense } = await import('../../src/dense/models.js');
    const { Embedding } = await import('../../src/embedding/models.js');
    const { EpyNN } = await import('../../src/network/models.js');
    const { sigmoid } = await import('../../src/activation/functions.js');
    const { memoryOutput } = await import('../../src/commons/logs.js');
    const { NOT_AVAILABLE_NOTE } = await import('../../src/network/report.js');
    const XData = Array.from({ length: 30 }, (_, i) => [i / 30]);
    const YData = XData.map(() => 1); // no positive sample (EpyNN: label 0 is the positive class)
    const model = new EpyNN([new Embedding({ XData, YData }), new Dense({ units: 1, activate: sigmoid })], 'none');
    const out = memoryOutput();
    model.initialize({ seed: 1, metrics: ['accuracy', 'recall'], quiet: true });
    model.logger = out;
    model.train({ epochs: 1, initLogs: false });
    expect(model.metrics.recall[0][0]).toBeNaN(); // recall = 0/0 with no positive sample
    const text = out.lines.join('\n');
    expect(text).not.toContain('NaN');
    expect(text).toMatch(/\|\s+n\/a\s+\|/);
    // the footnote is wrapped to the output's width (100 columns here), never wider
    const note = out.lines.slice(out.lines.findIndex((l) => l.startsWith('n/a:')));
    expect(note.join(' ')).toBe(NOT_AVAILABLE_NOTE);
    for (const l of note) expect(l.length).toBeLessThanOrEqual(100);
    expect(note.length).toBeGreaterThan(1);
  });
});
