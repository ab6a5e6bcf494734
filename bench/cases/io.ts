// Model files: write() and readModel() of a 2,000,000-parameter model (Dense 1000 → 2000 → 1, a 16 MiB
// float64 weight matrix: about 21 MiB of base64 in a 21 MiB JSON file), and base64 alone, the platform's
// native coder (Buffer in Node) against the plain TypeScript one. Target: write and read each under 0.3 s
// on the 2-core machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, Embedding, EpyNN, readModel, relu, seededRng, sigmoid } from '../../src/node/index.js';
import { base64Coders, float64ToBytes } from '../../src/io/bytes.js';
import { time } from '../timing.js';
import type { BenchCase, BenchOptions, Row } from '../types.js';

const FEATURES = 1000;
const UNITS = 2000;

function bigModel(): EpyNN {
  const rng = seededRng(1);
  const XData = Array.from({ length: 10 }, () => Array.from({ length: FEATURES }, () => rng.uniform()));
  const YData = XData.map((_, i) => i % 2);
  const model = new EpyNN([new Embedding({ XData, YData, batchSize: 4 }), new Dense({ units: UNITS, activate: relu }), new Dense({ units: 1, activate: sigmoid })], 'io-2M');
  model.initialize({ loss: 'MSE', seed: 1, quiet: true });
  return model;
}

async function modelFile(o: BenchOptions): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'epynn-bench-io-'));
  try {
    const model = bigModel();
    const params = model.layers.flatMap((l) => Object.values(l.p)).reduce((n, a) => n + a.size, 0);
    const path = join(dir, 'm.json');
    const timing = { runs: o.quick ? 5 : o.runs, warmup: 1, budgetMs: 20_000 };
    const write = time(() => model.write(path), timing);
    const read = time(() => readModel(path), timing);
    const target = '< 300 ms';
    return [
      { case: 'io write 2M params', ours: write.median, target, met: write.median < 300, note: `${(params / 1e6).toFixed(2)}M parameters` },
      { case: 'io read 2M params', ours: read.median, target, met: read.median < 300 },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function base64(o: BenchOptions): Promise<Row[]> {
  const bytes = float64ToBytes(Float64Array.from({ length: 2_000_000 }, (_, i) => Math.sin(i)));
  const coders = base64Coders();
  const native = coders[0];
  const js = coders[coders.length - 1];
  const text = js.encode(bytes);
  const timing = { runs: o.quick ? 5 : o.runs, warmup: 1, budgetMs: 10_000 };
  const rows: Row[] = [];
  for (const [what, run, ref] of [
    ['encode', () => native.encode(bytes), () => js.encode(bytes)],
    ['decode', () => native.decode(text), () => js.decode(text)],
  ] as const) {
    rows.push({
      case: `io base64 ${what} 16 MB`, ours: time(run, timing).median, ref: time(ref, timing).median,
      refKind: 'plain TypeScript coder', note: `native: ${native.name}`,
    });
  }
  return rows;
}

export const ioCases: BenchCase[] = [
  { name: 'io model file', run: modelFile },
  { name: 'io base64', run: base64 },
];
