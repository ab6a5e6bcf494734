// EpyNN's call forms ported line for line: new EpyNN({ layers, name }), initialize({ end }), train({ compat }).
import { describe, expect, test } from 'vitest';
import { memoryOutput } from '../../src/commons/logs.js';
import { Dense, EpyNN, EpyNNError, Embedding } from '../../src/index.js';
import { throwsWith } from '../helpers/errors.js';

const data = () => {
  const XData = Array.from({ length: 12 }, (_, i) => [i / 12, (i % 3) / 3]);
  return new Embedding({ XData, YData: XData.map((_, i) => i % 2), relativeSize: [2, 1, 0] });
};

describe('EpyNN call forms', () => {
  test('new EpyNN({ layers, name }) is new EpyNN(layers, name)', () => {
    const m = new EpyNN({ layers: [data(), new Dense()], name: 'Perceptron' });
    expect(m.name).toBe('Perceptron');
    expect(m.uname).toMatch(/^\d+_Perceptron$/);
    expect(new EpyNN({ layers: [data(), new Dense()] }).name).toBe('EpyNN');
    throwsWith(() => new EpyNN({ layers: [data(), new Dense()], nmae: 'x' } as any), EpyNNError, 'nmae');
    throwsWith(() => new EpyNN({ layers: [data(), new Dense()], name: 'a' }, 'b'), EpyNNError, 'name once');
    throwsWith(() => new EpyNN({ layers: [] }), EpyNNError, 'non-empty');
  });

  test("initialize({ end: '\\n' }) prints each progress line on its own line; other ends are refused", () => {
    const m = new EpyNN([data(), new Dense()], 'end');
    m.initialize({ seed: 1, end: '\n', quiet: true });
    expect(m.end).toBe('\n');
    const lines: string[] = [];
    const out = { ...memoryOutput(lines), tty: true, redraw: () => { throw new Error('redraw with end \\n'); } };
    m.logger = out;
    m.train({ epochs: 2, initLogs: false });
    expect(lines.some((l) => l.startsWith('Epoch 1 - Batch 0/0 - Accuracy: '))).toBe(true);
    throwsWith(() => new EpyNN([data(), new Dense()]).initialize({ end: '\t' as any }), EpyNNError, 'end', '"\\t"');
  });

  test("train({ compat: 'epynn' }) initializes in EpyNN's mode; a conflicting compat is refused", () => {
    const m = new EpyNN([data(), new Dense()], 'compat');
    m.train({ epochs: 1, quiet: true, compat: 'epynn' });
    expect(m.compat).toBe('epynn');
    const n = new EpyNN([data(), new Dense()], 'compat');
    n.initialize({ seed: 1, quiet: true });
    throwsWith(() => n.train({ epochs: 1, quiet: true, compat: 'epynn' }), EpyNNError, 'EpyNN.train', 'compat');
  });
});
