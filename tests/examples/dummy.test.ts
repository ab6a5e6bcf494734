// Smoke tests of the dummy examples (ports of EpyNN's live examples): every variant trains for a few
// epochs on a small generated dataset, and the easy ones must learn.
import { describe, expect, test } from 'vitest';
import { examples } from '../../examples/index.js';

const dummies = ['dummy_boolean', 'dummy_image', 'dummy_string', 'dummy_time'];

describe('dummy examples run', () => {
  for (const name of dummies) {
    for (const variant of Object.keys(examples[name].variants)) {
      // the line-for-line EpyNN ports write a model file: tests/examples/epynnlive_*.test.ts run them (temp dirs)
      if (variant === 'epynnlive') continue;
      test(`${name} --variant ${variant}`, async () => {
        const model = await examples[name].run({ epochs: 2, quiet: true, variant, samples: 64 });
        expect(model.epochsDone).toBe(2);
        for (const values of Object.values(model.metrics)) {
          expect(values[0].length).toBe(2);
          expect(values[0].every(Number.isFinite)).toBe(true);
        }
      });
    }
  }
  test('unknown variant is a clear error', () => {
    expect(() => examples.dummy_image.run({ variant: 'nope', quiet: true, samples: 10 })).toThrow(/unknown variant 'nope' \(known: conv, dense, dropout, epynnlive\)/);
  });
});

describe('dummy examples learn', () => {
  test('dummy_boolean perceptron', async () => {
    const model = await examples.dummy_boolean.run({ epochs: 60, quiet: true, samples: 200 });
    expect(model.metrics.accuracy[1].at(-1)).toBeGreaterThan(0.85);
  });
  test('dummy_time dense', async () => {
    const model = await examples.dummy_time.run({ epochs: 25, quiet: true, samples: 400 });
    // chance is ~0.5 on the validation set
    expect(model.metrics.accuracy[1].at(-1)).toBeGreaterThan(0.7);
    expect(model.metrics.MSE[0].at(-1)).toBeLessThan(model.metrics.MSE[0][0]);
  });
});
