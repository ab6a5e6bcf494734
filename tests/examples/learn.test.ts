// Examples that teach: every example x variant learns clearly above its majority-class baseline (dval),
// here on short seeded runs (fewer samples/epochs than the defaults measured in each README), or says
// in its output why it cannot and what learns the task instead.
import { describe, expect, test, vi } from 'vitest';
import { examples } from '../../examples/index.js';
import type { EpyNN } from '../../src/index.js';
import { FEED_FORWARD_NOTE } from '../../examples/dummy_image/train.js';
import { LAST_STEP_NOTE } from '../../examples/ptm_protein/train.js';
import { RNN_NOTE } from '../../examples/author_music/train.js';

/** Share of the most frequent label in dval: what always answering that label scores. */
function majority(model: EpyNN): number {
  const Y = model.embedding.dval.Y!;
  const k = Y.ndim === 2 ? Y.shape[1] : 1;
  const n = Y.shape[0];
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    let label = k > 1 ? 0 : Math.round(Y.data[i]); // one-hot: the argmax column
    for (let j = 1; j < k; j++) if (Y.data[i * k + j] > Y.data[i * k + label]) label = j;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return Math.max(...counts.values()) / n;
}

// [example, variant, reduced options]; captcha_mnist is checked in captcha_mnist.test.ts
const learners: [string, string, Record<string, number>][] = [
  ['dummy_boolean', 'perceptron', { samples: 200, epochs: 60 }],
  ['dummy_image', 'conv', { samples: 750, epochs: 40 }],
  ['dummy_string', 'flatten', { samples: 480, epochs: 50 }],
  ['dummy_string', 'rnn', { samples: 480, epochs: 50 }],
  ['dummy_string', 'lstm', { samples: 480, epochs: 30 }],
  ['dummy_time', 'dense', { samples: 400, epochs: 25 }],
  ['dummy_time', 'dropout', { samples: 400, epochs: 25 }],
  ['dummy_time', 'rnn', { samples: 512, epochs: 30 }],
  ['ptm_protein', 'lstm-seq', { samples: 400, epochs: 10 }],
  ['ptm_protein', 'lstm-seq-dense', { samples: 400, epochs: 10 }],
  ['ptm_protein', 'dense', { samples: 400, epochs: 60 }],
  ['author_music', 'dense', { samples: 192, epochs: 10 }],
  ['custom_layer', 'scale', { samples: 200, epochs: 100 }],
];

// Variants that cannot learn their task, and the note they print
const explained: [string, string, string][] = [
  ['dummy_image', 'dense', FEED_FORWARD_NOTE],
  ['dummy_image', 'dropout', FEED_FORWARD_NOTE],
  ['ptm_protein', 'lstm', LAST_STEP_NOTE],
  ['author_music', 'rnn', RNN_NOTE],
  ['author_music', 'gru', RNN_NOTE],
];

describe('examples learn above the majority class', () => {
  test('every variant is either checked to learn or explains itself', () => {
    const covered = new Set([...learners, ...explained].map(([e, v]) => `${e}/${v}`));
    for (const [name, ex] of Object.entries(examples)) {
      if (name === 'captcha_mnist') continue;
      for (const v of Object.keys(ex.variants)) if (v !== 'epynnlive') expect(covered, `${name}/${v}`).toContain(`${name}/${v}`);
    }
  });

  test.each(learners)('%s --variant %s', async (name, variant, options) => {
    const model = await examples[name].run({ ...options, variant, seed: 1, quiet: true });
    const val = model.metrics.accuracy[1];
    const base = majority(model);
    expect(val.at(-1)!, `dval accuracy vs majority ${base.toFixed(3)}`).toBeGreaterThan(base + 0.1);
  }, 120_000);

  test.each(explained)('%s --variant %s says why it does not learn', async (name, variant, note) => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      await examples[name].run({ variant, seed: 1, samples: 48, epochs: 1 });
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain(note);
  }, 120_000);
});
