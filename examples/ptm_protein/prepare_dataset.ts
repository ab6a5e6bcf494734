// Post-translational modification sites (EpyNN epynnlive/ptm_protein/prepare_dataset.py). Node only.
// Real loading path: 21_positive.dat (O-GlcNAcylated peptides, label 0) and 21_negative.dat (peptides
// presumably not modified, label 1), one 21-residue peptide per line, from a folder or EpyNN's archive.
// Offline fallback: generated peptides where the positives carry a planted motif.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Rng, seededRng } from '../../src/index.js';
import { type Fetcher, defaultCacheDir, downloadDataset, isCached, listFiles } from '../download.js';
import { DataFileError } from '../types.js';

/** EpyNN's download location (a .tar holding data/21_positive.dat and data/21_negative.dat). */
export const PTM_URL = 'https://synthase.s3.us-west-2.amazonaws.com/ptm_prediction_data.tar';

export const POSITIVE_FILE = '21_positive.dat';
export const NEGATIVE_FILE = '21_negative.dat';

/** The 20 standard amino acids (one-letter codes). */
export const AMINO_ACIDS = 'ACDEFGHIKLMNPQRSTVWY';

/** Peptides of one file: one per line, blank lines skipped; all of one length, letters only. */
export function parsePeptides(text: string, source = 'peptides'): string[] {
  const out: string[] = [];
  let length: number | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (!/^[A-Za-z]+$/.test(line)) throw new DataFileError(`ptm_protein: ${source} line ${i + 1}: a peptide is one-letter residues, got '${line.slice(0, 40)}'`);
    length ??= line.length;
    if (line.length !== length) throw new DataFileError(`ptm_protein: ${source} line ${i + 1}: peptide of ${line.length} residues, the file's first one has ${length}`);
    out.push(line.toUpperCase());
  });
  if (out.length === 0) throw new DataFileError(`ptm_protein: ${source} holds no peptide`);
  return out;
}

/** Finds 21_positive.dat and 21_negative.dat anywhere under `dir`. */
export function findPeptideFiles(dir: string): { positive: string; negative: string } | undefined {
  if (!existsSync(dir)) return undefined;
  const files = listFiles(dir);
  const positive = files.find((f) => basename(f) === POSITIVE_FILE);
  const negative = files.find((f) => basename(f) === NEGATIVE_FILE);
  return positive && negative ? { positive: join(dir, positive), negative: join(dir, negative) } : undefined;
}

/** Reads the positive and negative peptides from `dir`. */
export function readPeptideFolder(dir: string): { positive: string[]; negative: string[] } {
  const found = findPeptideFiles(dir);
  if (!found) throw new DataFileError(`ptm_protein: no ${POSITIVE_FILE} and ${NEGATIVE_FILE} under ${dir}`);
  const positive = parsePeptides(readFileSync(found.positive, 'utf8'), found.positive);
  const negative = parsePeptides(readFileSync(found.negative, 'utf8'), found.negative);
  if (positive[0].length !== negative[0].length) {
    throw new DataFileError(`ptm_protein: positive peptides have ${positive[0].length} residues, negative ones ${negative[0].length}`);
  }
  return { positive, negative };
}

const residue = (rng: Rng, from = AMINO_ACIDS): string => from[Math.floor(rng.uniform() * from.length)];

/**
 * Generated peptides of `length` residues centred on a Ser/Thr site. Positives carry the planted
 * motif "P?[ST]V" around the centre (Pro two residues before the site, Val right after it);
 * negatives have neither (other residues there), the rest of every peptide is random.
 */
export function syntheticPeptides(n: number, seed = 1, length = 21): { positive: string[]; negative: string[] } {
  const rng = seededRng(`ptm_protein:synthetic:${seed}`);
  const c = Math.floor(length / 2);
  const make = (positive: boolean): string => {
    const p = Array.from({ length }, () => residue(rng));
    p[c] = residue(rng, 'ST');
    if (positive) {
      p[c - 2] = 'P';
      p[c + 1] = 'V';
    } else {
      p[c - 2] = residue(rng, AMINO_ACIDS.replace('P', ''));
      p[c + 1] = residue(rng, AMINO_ACIDS.replace('V', ''));
    }
    return p.join('');
  };
  return {
    positive: Array.from({ length: Math.ceil(n / 2) }, () => make(true)),
    negative: Array.from({ length: Math.ceil(n / 2) }, () => make(false)),
  };
}

/** Writes generated 21_positive.dat and 21_negative.dat into `dir`; returns dir. */
export function writeSyntheticPeptides(dir: string, n = 200, seed = 1): string {
  const { positive, negative } = syntheticPeptides(n, seed);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, POSITIVE_FILE), positive.join('\n') + '\n');
  writeFileSync(join(dir, NEGATIVE_FILE), negative.join('\n') + '\n');
  return dir;
}

/** Downloads EpyNN's peptide archive into the cache (only when asked: `--download`). */
export async function downloadSequences(cacheDir = defaultCacheDir('ptm_protein'), fetcher?: Fetcher): Promise<string> {
  return downloadDataset({ url: PTM_URL, cacheDir, fetcher });
}

/** Which folder to read: --data DIR, else a completed download in the cache, else undefined (synthetic). */
export function peptideFolder(dataDir?: string, cacheDir = defaultCacheDir('ptm_protein')): string | undefined {
  if (dataDir !== undefined) return dataDir;
  return isCached(cacheDir) ? cacheDir : undefined;
}

/**
 * A balanced set of N_SAMPLES peptides (as arrays of residues) and labels (0 positive, 1 negative):
 * shuffle both classes, truncate the negatives to the number of positives, shuffle the union and
 * truncate (EpyNN prepare_dataset), with a seeded generator. `dir` undefined: generated peptides.
 */
export function prepareDataset(N_SAMPLES = 1280, seed = 1, dir?: string): { X: string[][]; Y: number[]; source: string } {
  const data = dir !== undefined ? readPeptideFolder(dir) : syntheticPeptides(N_SAMPLES, seed);
  const source = dir !== undefined
    ? `${POSITIVE_FILE} (${data.positive.length}) and ${NEGATIVE_FILE} (${data.negative.length}) in ${dir}`
    : 'generated peptides with a planted P?[ST]V motif (no real data: pass --data DIR or --download)';
  const rng = seededRng(`ptm_protein:${seed}`);
  const shuffle = <T>(a: T[]): T[] => rng.permutation(a.length).map((i) => a[i]);
  // Single-digit labels: positive 0, negative 1
  const positive = shuffle(data.positive).map((p): [string, number] => [p, 0]);
  const negative = shuffle(data.negative).slice(0, positive.length).map((p): [string, number] => [p, 1]);
  const dataset = shuffle([...positive, ...negative]).slice(0, N_SAMPLES);
  return { X: dataset.map(([p]) => [...p]), Y: dataset.map(([, y]) => y), source };
}
