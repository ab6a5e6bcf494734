// Dummy boolean data (EpyNN epynnlive/dummy_boolean): 11 random booleans per sample;
// label 0 (positive) when True is the majority, 1 otherwise.
import { type Rng, seededRng } from '../../src/index.js';

/** N_FEATURES random booleans. */
export function featuresBoolean(rng: Rng, N_FEATURES = 11): boolean[] {
  return Array.from({ length: N_FEATURES }, () => rng.uniform() < 0.5);
}

/** The dummy law: more True = positive (0), more False = negative (1). */
export function labelFeatures(features: boolean[]): number {
  const nTrue = features.filter(Boolean).length;
  return nTrue > features.length - nTrue ? 0 : 1;
}

/** N_SAMPLES samples: features as 0/1 numbers, and labels. */
export function prepareDataset(N_SAMPLES = 100, seed = 1): { X: number[][]; Y: number[] } {
  const rng = seededRng(`dummy_boolean:${seed}`);
  const X: number[][] = [];
  const Y: number[] = [];
  for (let i = 0; i < N_SAMPLES; i++) {
    const features = featuresBoolean(rng);
    X.push(features.map(Number));
    Y.push(labelFeatures(features));
  }
  return { X, Y };
}
