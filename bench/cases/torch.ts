// Optional PyTorch peer (`--peers`): bench/peers/torch_bench.py times the same networks as our CNN step,
// CNN evaluation, Dense, RNN/LSTM and bigger CNN cases, in float64 and float32, on each --threads count
// (torch.set_num_threads), with Debian's /usr/bin/python3 when `import torch` works there (python3-torch).
// Nothing is installed by the bench. Its rows carry our case names, so the table shows them beside ours.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchOptions, Row } from '../types.js';
import { bigCnnFlops, bigEpochSamples } from './train.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'torch_bench.py');
/** Debian's interpreter (python3-torch installs there), or EPYNN_BENCH_PYTHON. */
const PYTHON = process.env.EPYNN_BENCH_PYTHON ?? '/usr/bin/python3';

/** Our bench cases whose networks the script times too, and the names of their rows (--case matches either). */
const TORCH_OF: readonly [benchCase: string, row: string][] = [
  ['train step', 'CNN train step'], ['evaluation', 'CNN evaluation'], ['threads dense', 'Dense 784→64→10 in train()'],
  ['threads RNN', 'RNN s=20 e=16 u=32 in train()'], ['threads LSTM', 'LSTM s=20 e=16 u=32 in train()'],
  ['bigger CNN epoch', 'bigger CNN epoch'],
];

/** The names (bench cases and rows) that select the PyTorch peer's rows with --case. */
export const TORCH_CASES = TORCH_OF.flat();

interface TorchRow { case: string; dtype: 'float64' | 'float32'; threads: number; ms: number; samples: number; note: string }

/** Why PyTorch cannot run here ('' when it can). */
function unavailable(): string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? '' : `import torch failed with ${PYTHON} (Debian: apt-get install python3-torch)`;
}

async function torchPeer(o: BenchOptions): Promise<Row[]> {
  const why = unavailable();
  if (why !== '') return [{ case: 'peer PyTorch', backend: 'pytorch', note: `not run: ${why}` }];
  // Our cases' filters, as substrings of the case names (=NAME: exact)
  const hit = (name: string, f: string): boolean => (f.startsWith('=') ? name.toLowerCase() === f.slice(1) : name.toLowerCase().includes(f));
  const wanted = TORCH_OF.filter(([c, row]) => o.filters.length === 0 || o.filters.some((f) => hit(c, f) || hit(row, f) || hit('peers pytorch', f)))
    .map(([, row]) => row);
  if (wanted.length === 0) return [];
  const N = bigEpochSamples(o);
  const args = [SCRIPT, '--threads', o.threads.join(','), '--dtypes', 'float64,float32', '--runs', String(o.runs),
    '--warmup', String(o.warmup), '--epoch-samples', String(N), '--cases', wanted.map((c) => c.toLowerCase()).join(',')];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`torch_bench.py failed: ${r.stderr.trim().split('\n').pop()}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { torch: string; rows: TorchRow[] };
  return out.rows.map((t) => ({
    case: t.case, backend: 'pytorch', dtype: t.dtype, threads: t.threads, ours: t.ms, samples: t.samples,
    ...(t.case === 'bigger CNN epoch' ? { flops: bigCnnFlops(t.samples) } : {}),
    note: `PyTorch ${out.torch} CPU: ${t.note}`,
  }));
}

export const torchCases: BenchCase[] = [{ name: 'peers pytorch', run: torchPeer }];
