// Dummy strings (EpyNN epynnlive/dummy_string): 12 letters from A, T, G, C;
// label 0 (positive) when the first and last letters are equal, 1 otherwise.
import { type Rng, seededRng } from '../../src/index.js';

const WORDS = ['A', 'T', 'G', 'C'];

export function featuresString(rng: Rng, N_FEATURES = 12): string[] {
  return Array.from({ length: N_FEATURES }, () => WORDS[Math.floor(rng.uniform() * WORDS.length)]);
}

/** The dummy law: first and last elements equal = positive (0), else negative (1). */
export function labelFeatures(features: string[]): number {
  return features[0] === features[features.length - 1] ? 0 : 1;
}

export function prepareDataset(N_SAMPLES = 100, seed = 1): { X: string[][]; Y: number[] } {
  const rng = seededRng(`dummy_string:${seed}`);
  const X = Array.from({ length: N_SAMPLES }, () => featuresString(rng));
  return { X, Y: X.map(labelFeatures) };
}
