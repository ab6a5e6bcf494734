// Random draws: numpyRng (NumPy's PCG64 + ziggurat, bit for bit; what compat: 'epynn' layers and Dropout
// masks draw from) against the default generator (seedrandom's Alea), 100,000 draws per call.
import { numpyRng } from '../../src/commons/numpy_rng.js';
import { seededRng } from '../../src/commons/rng.js';
import { time } from '../timing.js';
import type { BenchCase, BenchOptions, Row } from '../types.js';

const N = 100_000;

async function draws(kind: 'uniform' | 'standardNormal', o: BenchOptions): Promise<Row[]> {
  const np = numpyRng(1);
  const alea = seededRng(1);
  let sink = 0;
  const ours = time(() => {
    for (let i = 0; i < N; i++) sink += np[kind]();
  }, o);
  const ref = time(() => {
    for (let i = 0; i < N; i++) sink += alea[kind]();
  }, o);
  if (!Number.isFinite(sink)) throw new Error('rng bench: non-finite draws');
  return [{
    case: `numpyRng ${kind} ×${N / 1000}k`, ours: ours.median, ref: ref.median, refKind: 'seededRng (Alea, default mode)',
    note: `${((ours.median * 1e6) / N).toFixed(1)} ns/draw`,
  }];
}

export const rngCases: BenchCase[] = [
  { name: 'rng uniform', run: (o) => draws('uniform', o) },
  { name: 'rng normal', run: (o) => draws('standardNormal', o) },
];
