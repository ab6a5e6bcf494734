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

/**
 * N_SAMPLES strings and labels. EpyNN draws every letter at random, so only 1 string in 4 is positive
 * and a network that always answers "negative" scores 0.75. With `balanced` (the default here), half
 * of the strings get their last letter set to their first: the positive class is half of the data and
 * the majority-class baseline is about 0.5, so accuracy shows what the network learned.
 */
export function prepareDataset(N_SAMPLES = 100, seed = 1, balanced = true): { X: string[][]; Y: number[] } {
  const rng = seededRng(`dummy_string:${seed}`);
  const X = Array.from({ length: N_SAMPLES }, () => {
    const s = featuresString(rng);
    if (balanced && rng.uniform() < 0.5) s[s.length - 1] = s[0];
    return s;
  });
  return { X, Y: X.map(labelFeatures) };
}
