// ptm_protein: reading 21_positive.dat / 21_negative.dat (and their errors), the balanced seeded
// preparation, and LSTM training on a generated sample with a planted motif. No network.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NEGATIVE_FILE, POSITIVE_FILE, parsePeptides, prepareDataset, readPeptideFolder, syntheticPeptides, writeSyntheticPeptides,
} from '../../examples/ptm_protein/prepare_dataset.js';
import { example, run } from '../../examples/ptm_protein/train.js';
import { fakeFetcher, forbidNetwork, makeTar, tempDir } from './helpers.js';

forbidNetwork();
const root = tempDir('ptm');
const dataDir = writeSyntheticPeptides(join(root, 'data'), 400, 3);

describe('ptm_protein data', () => {
  it('parses one peptide per line (CRLF, blank lines, lower case) and refuses bad lines', () => {
    expect(parsePeptides('ACDST\r\n\nacdsv\n', 'f')).toEqual(['ACDST', 'ACDSV']);
    expect(() => parsePeptides('ACDST\nAC-ST\n', 'f.dat')).toThrow("ptm_protein: f.dat line 2: a peptide is one-letter residues, got 'AC-ST'");
    expect(() => parsePeptides('ACDST\nACDS\n', 'f.dat')).toThrow("ptm_protein: f.dat line 2: peptide of 4 residues, the file's first one has 5");
    expect(() => parsePeptides('\n\n', 'f.dat')).toThrow('ptm_protein: f.dat holds no peptide');
  });

  it('reads the two files from a folder (searched recursively) and says what is missing', () => {
    const { positive, negative } = readPeptideFolder(dataDir);
    expect(positive.length).toBe(200);
    expect(negative.length).toBe(200);
    expect(positive.every((p) => p.length === 21 && p[8] === 'P' && p[11] === 'V' && 'ST'.includes(p[10]))).toBe(true);
    expect(negative.every((p) => p[8] !== 'P' && p[11] !== 'V')).toBe(true);
    expect(() => readPeptideFolder(join(root, 'none'))).toThrow(`ptm_protein: no ${POSITIVE_FILE} and ${NEGATIVE_FILE} under`);
    const odd = join(root, 'odd', 'data');
    mkdirSync(odd, { recursive: true });
    writeFileSync(join(odd, POSITIVE_FILE), 'ACDST\n');
    writeFileSync(join(odd, NEGATIVE_FILE), 'ACDSTV\n');
    expect(() => readPeptideFolder(join(root, 'odd'))).toThrow('ptm_protein: positive peptides have 5 residues, negative ones 6');
  });

  it('prepares a balanced, seeded, truncated set with labels 0 (positive) and 1 (negative)', () => {
    const dir = join(root, 'unbalanced');
    const { positive, negative } = syntheticPeptides(400, 5);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, POSITIVE_FILE), positive.slice(0, 50).join('\n'));
    writeFileSync(join(dir, NEGATIVE_FILE), negative.join('\n'));
    const all = prepareDataset(1000, 1, dir);
    expect(all.X.length).toBe(100); // negatives truncated to the 50 positives
    expect(all.Y.filter((y) => y === 0).length).toBe(50);
    all.X.forEach((x, i) => expect(x[8] === 'P').toBe(all.Y[i] === 0));
    const a = prepareDataset(60, 1, dir);
    expect(a.X.length).toBe(60);
    expect(prepareDataset(60, 1, dir)).toEqual(a);
    expect(prepareDataset(60, 2, dir).Y).not.toEqual(a.Y);
  });
});

describe('ptm_protein training', () => {
  it('LSTM(8, sequences) learns the planted motif (held-out accuracy > 0.9)', async () => {
    const model = await run({ variant: 'lstm-seq', dataDir, samples: 300, epochs: 12, quiet: true });
    expect(model.embedding.dtrain.X.shape).toEqual([200, 21, 20]); // one-hot over the 20 amino acids
    const val = model.metrics.accuracy[1];
    expect(Math.max(...val.slice(-3))).toBeGreaterThan(0.9);
  }, 60_000);

  it.each(['lstm', 'lstm-seq-dense', 'dense'])('the %s variant trains (smoke)', async (variant) => {
    const model = await run({ variant, dataDir, samples: 96, epochs: 2, quiet: true });
    expect(model.epochsDone).toBe(2);
    for (const v of model.metrics.MSE[0]) expect(Number.isFinite(v)).toBe(true);
  }, 60_000);

  it('runs offline without data (generated peptides), and from a (fake) download', async () => {
    const offline = await run({ samples: 96, epochs: 1, quiet: true });
    expect(offline.embedding.dtrain.X.shape[0]).toBe(64);
    const { positive, negative } = syntheticPeptides(80, 9);
    const fetcher = fakeFetcher(makeTar({ [`data/${POSITIVE_FILE}`]: positive.join('\n'), [`data/${NEGATIVE_FILE}`]: negative.join('\n') }));
    const model = await run({ download: true, cacheDir: join(root, 'cache'), fetcher, samples: 80, epochs: 1, quiet: true });
    expect(fetcher.calls).toEqual(['https://synthase.s3.us-west-2.amazonaws.com/ptm_prediction_data.tar']);
    expect(model.embedding.dtrain.X.shape[0] + model.embedding.dval.X.shape[0]).toBe(80);
  }, 60_000);

  it('lists its variants (LSTM with sequences first, the default) and rejects an unknown one', async () => {
    expect(Object.keys(example.variants)).toEqual(['lstm-seq', 'lstm', 'lstm-seq-dense', 'dense', 'epynnlive']);
    await expect(run({ variant: 'gru', quiet: true })).rejects.toThrow("ptm_protein: unknown variant 'gru' (known: lstm-seq, lstm, lstm-seq-dense, dense, epynnlive)");
  });
});
