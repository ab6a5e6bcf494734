// Timing helpers of the benchmark: warm-up, then the median of several timed runs.

export interface Timing {
  /** Median milliseconds per call. */
  median: number;
  min: number;
  max: number;
  /** Timed samples taken (each the mean of `reps` calls). */
  runs: number;
  reps: number;
}

export interface TimingOptions {
  /** Timed samples (at least 5). */
  runs: number;
  /** Untimed calls first (JIT warm-up). */
  warmup: number;
  /** Stop taking samples after this many ms (at least `minRuns` are always taken). */
  budgetMs?: number;
}

const MIN_RUNS = 5;

/**
 * Times fn: `warmup` calls, then `runs` samples. A call shorter than ~2 ms is repeated inside one sample
 * (the sample is the mean of its repetitions) so the timer's resolution does not matter.
 */
export function time(fn: () => void, { runs, warmup, budgetMs = Infinity }: TimingOptions): Timing {
  let t0 = performance.now();
  for (let i = 0; i < warmup; i++) fn();
  const perCall = warmup > 0 ? (performance.now() - t0) / warmup : Infinity;
  const reps = perCall < 2 ? Math.max(1, Math.ceil(2 / Math.max(perCall, 1e-3))) : 1;
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < Math.max(runs, MIN_RUNS)) {
    t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    samples.push((performance.now() - t0) / reps);
    if (samples.length >= MIN_RUNS && performance.now() - start > budgetMs) break;
  }
  samples.sort((a, b) => a - b);
  return { median: median(samples), min: samples[0], max: samples[samples.length - 1], runs: samples.length, reps };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Deterministic pseudo-random numbers for the inputs (mulberry32): no dependence on the RNG under test. */
export function randomArray(n: number, seed = 1, scale = 1): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}
