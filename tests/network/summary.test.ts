// model.summary() (src/network/summary.ts) and `epynn summary model.json` (src/cli/main.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import {
  BatchNormalization, Convolution, Dense, Dropout, Embedding, EpyNN, Flatten, LSTM, NDArray, Pooling, StateError, adam, memoryOutput, modelSummary, numpyRng, softmax,
} from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cnn(): EpyNN {
  const rng = numpyRng(2);
  const X = new NDArray(new Float64Array(24 * 8 * 8).map(() => rng.uniform()), [24, 8, 8, 1]);
  return new EpyNN([
    new Embedding({ XData: X, YData: Array.from({ length: 24 }, (_, i) => i % 3), YEncode: true, batchSize: 8 }),
    new Convolution({ unitFilters: 4, filterSize: 3, strides: 1 }),
    new Pooling({ poolSize: 2 }),
    new Flatten(),
    new Dropout({ dropProb: 0.2 }),
    new Dense({ units: 3, activate: softmax }),
  ], 'cnn');
}

describe('summary', () => {
  test('counts equal the hand-computed ones (CNN, Adam state)', () => {
    const model = cnn().initialize({ loss: 'CCE', seed: 1, quiet: true, optimizer: adam() });
    const s = modelSummary(model);
    // Convolution: 3·3·1·4 weights + 4 biases; 8×8 → 6×6 → pooled 3×3 ×4 = 36 features; Dense: 36·3 + 3
    expect(s.rows.map((r) => r.parameters)).toEqual([0, 40, 0, 0, 0, 111]);
    expect(s.rows.map((r) => r.outputShape)).toEqual(['(m, 8, 8, 1)', '(m, 6, 6, 4)', '(m, 3, 3, 4)', '(m, 36)', '(m, 36)', '(m, 3)']);
    expect(s.rows[5].dimensions).toEqual({ u: 3, n: 36 });
    expect(s.rows[1].trainable).toBe(true);
    expect(s.rows[4].trainable).toBe(false);
    expect(s.total).toBe(151);
    expect(s.trainable).toBe(151);
    expect(s.parameterBytes).toBe(151 * 8);
    expect(s.optimizerBytes).toBe(2 * 151 * 8); // Adam: m and v per value
    expect(s.text).toContain('Total parameters: 151 (1.2 KB as float64)');
    expect(s.text).toContain('Optimizer state: 302 values (2.4 KB); model optimizer: adam');
    expect(s.text).toMatch(/\|\s+5\s+\|\s+Dense\s+\|\s+\(m, 3\)\s+\|\s+u: 3, n: 36\s+\|\s+111\s+\|\s+yes \(adam\)\s+\|/);
  });

  test('an LSTM: 4 gates of U (e, u), V (u, u), b (1, u); printed to the logger, and after reading the model', () => {
    const rng = numpyRng(3);
    const X = new NDArray(new Float64Array(10 * 5 * 3).map(() => rng.uniform()), [10, 5, 3]);
    const model = new EpyNN([new Embedding({ XData: X, YData: Array.from({ length: 10 }, (_, i) => i % 2), YEncode: true }), new LSTM({ unitCells: 4 }), new Dense({ units: 2, activate: softmax })]);
    model.initialize({ loss: 'CCE', seed: 1, quiet: true });
    const out = memoryOutput();
    model.logger = out;
    const text = model.summary();
    expect(out.lines).toEqual([text]);
    expect(modelSummary(model).rows[1].parameters).toBe(4 * (3 * 4 + 4 * 4 + 4));
    expect(modelSummary(model).total).toBe(4 * (3 * 4 + 4 * 4 + 4) + 4 * 2 + 2);
    expect(modelSummary(model).optimizerBytes).toBe(0); // EpyNN's SGD keeps no state
    const back = EpyNN.fromJSON(model.toJSON());
    expect(modelSummary(back).text).toBe(modelSummary(model).text);
  });

  test('BatchNormalization: γ and β trainable, the running mean and variance not (no optimizer state for them)', () => {
    const rng = numpyRng(4);
    const X = new NDArray(new Float64Array(16 * 6).map(() => rng.uniform()), [16, 6]);
    const model = new EpyNN([
      new Embedding({ XData: X, YData: Array.from({ length: 16 }, (_, i) => i % 2), YEncode: true, batchSize: 8 }),
      new Dense({ units: 5 }),
      new BatchNormalization(),
      new Dense({ units: 2, activate: softmax }),
    ], 'bn').initialize({ loss: 'CCE', seed: 1, quiet: true, optimizer: adam() });
    const s = modelSummary(model);
    // Dense 6·5 + 5; BatchNormalization γ, β, mean, var of 5 each; Dense 5·2 + 2
    expect(s.rows.map((r) => r.parameters)).toEqual([0, 35, 20, 12]);
    expect(s.rows.map((r) => r.trainableParameters)).toEqual([0, 35, 10, 12]);
    expect(s.total).toBe(67);
    expect(s.trainable).toBe(57);
    expect(s.nonTrainable).toBe(10);
    expect(s.optimizerBytes).toBe(2 * 57 * 8);
    model.train({ epochs: 1, quiet: true });
    expect(Object.keys(model.layers[2].s).sort()).toEqual(Object.keys(model.layers[2].g).map((k) => k.slice(1)).sort());
    expect(model.layers[2].s.mean).toBeUndefined();
    expect(s.text).toMatch(/\|\s+2\s+\|\s+BatchNormalization\s+\|.*\|\s+20\s+\|\s+10 \(adam\)\s+\|/);
  });

  test('before initialize: a StateError', () => {
    expect(() => cnn().summary()).toThrow(StateError);
    expect(() => cnn().summary()).toThrow(/EpyNN\.summary: the model is not initialized/);
  });

  test('epynn summary model.json', async () => {
    const model = cnn().initialize({ loss: 'CCE', seed: 1, quiet: true });
    const path = model.write(join(dir, 'cnn.json'));
    const out: string[] = [];
    const err: string[] = [];
    expect(await main(['summary', path], { out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(0);
    expect(out.join('\n')).toBe(modelSummary(EpyNN.fromJSON(model.toJSON())).text);
    expect(await main(['summary'], { out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(2);
    expect(err.join('\n')).toMatch(/epynn summary: expected one <model\.json>, got 0 arguments/);
    expect(await main(['summary', join(dir, 'missing.json')], { out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(1);
  });
});
