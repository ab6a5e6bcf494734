// Dummy time series (EpyNN epynnlive/dummy_time): 1 s sampled at 128 Hz, white noise (σ = 0.5),
// plus a pure sine of random frequency below 32 Hz for half of the samples.
// Label 0 (positive) when the sine is there, 1 for noise only.
import { type Rng, fdlibm, seededRng } from '../../src/index.js';

export function featuresTime(rng: Rng, TIME = 1, SAMPLING_RATE = 128): { features: number[][]; label: number } {
  const N = TIME * SAMPLING_RATE;
  const frequency = rng.uniform() * Math.floor(SAMPLING_RATE / 4);
  const withSignal = rng.uniform() < 0.5;
  const features = Array.from({ length: N }, (_, i) => {
    const noise = 0.5 * rng.standardNormal();
    return [withSignal ? fdlibm.sin(2 * Math.PI * frequency * (i / SAMPLING_RATE)) + noise : noise];
  });
  return { features, label: withSignal ? 0 : 1 };
}

export function prepareDataset(N_SAMPLES = 100, seed = 1): { X: number[][][]; Y: number[] } {
  const rng = seededRng(`dummy_time:${seed}`);
  const X: number[][][] = [];
  const Y: number[] = [];
  for (let i = 0; i < N_SAMPLES; i++) {
    const { features, label } = featuresTime(rng);
    X.push(features);
    Y.push(label);
  }
  return { X, Y };
}
