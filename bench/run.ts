// epynn-ts benchmark: `npm run bench [-- --quick] [-- --case NAME] [-- --procs N] [-- --peers]`.
// Not part of `npm test`. Prints median ms over ≥ 5 runs after warm-up, the reference's median, the
// speed-up over the reference, GFLOP/s (matrix products only) and samples/s where they apply.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type Backend, activeBackend, selectBackend } from '../src/kernels/backend.js';
import { convCases } from './cases/conv.js';
import { ioCases } from './cases/io.js';
import { f32Cases } from './cases/f32.js';
import { layerCases } from './cases/layers.js';
import { rngCases } from './cases/rng.js';
import { peerCases } from './cases/peers.js';
import { threadCases } from './cases/threads.js';
import { TORCH_CASES, torchCases } from './cases/torch.js';
import { trainCases } from './cases/train.js';
import { median } from './timing.js';
import { type ParsedCommand, UsageError, parseCommand } from '../src/cli/args.js';
import type { BenchCase, BenchOptions, Row } from './types.js';

const USAGE = `usage: npm run bench -- [options]
  --quick          fewer runs and epochs (about a minute)
  --case NAME      only the cases whose name contains NAME (repeatable; e.g. conv, S3, train, memory, dense, LSTM, io;
                   =NAME for the exact name)
  --procs N        run every case in N fresh processes and report the median of their medians (V8 varies per process)
  --peers          also time TensorFlow.js (CPU, WASM) and ConvNetJS from bench/peers/node_modules, and PyTorch
                   (bench/peers/torch_bench.py, float64 and float32, with /usr/bin/python3 when it imports torch)
  --runs N         timed samples per measurement (default 9, quick 5; at least 5)
  --backend B      js, wasm or both (default both: every case on each kernel backend, wasm/js column)
  --out FILE       where to write the JSON of the results (default bench-results.json)
  --threads LIST   thread counts for the training cases (default 1,2: the train step, evaluation and the
                   'in train()' layer cases run as train() runs them, sharded over that many threads)
  --json           print the rows as JSON (used by --procs)
  --list           list the case names
Values go after a space or an '=' (--case conv, --case=conv).
The kernel cases (conv fwd/bwd, Dense/RNN/LSTM/GRU layers alone, rng) run on one thread.`;

interface Args extends BenchOptions {
  backends: Backend[];
  out: string;
  procs: number;
  json: boolean;
  list: boolean;
}

function parseArgs(argv: string[]): Args {
  let parsed: ParsedCommand;
  try {
    parsed = parseCommand(argv, {
      quick: { kind: 'flag' },
      peers: { kind: 'flag' },
      json: { kind: 'flag' },
      list: { kind: 'flag' },
      help: { kind: 'flag', short: 'h' },
      case: { kind: 'string', multiple: true },
      procs: { kind: 'int', min: 1, max: 100 },
      runs: { kind: 'int', min: 5, max: 10_000 },
      out: { kind: 'string' },
      threads: { kind: 'string' },
      backend: { kind: 'string', choices: ['js', 'wasm', 'both'] },
    });
    if (parsed.operands.length > 0) throw new UsageError(`unexpected argument ${parsed.operands[0]}`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`bench: ${err.message}\n${USAGE}`);
    process.exit(2);
  }
  const v = parsed.values;
  if (v.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const a: Args = {
    quick: v.quick === true, runs: (v.runs as number | undefined) ?? 0, warmup: 0, peers: v.peers === true, threads: [1, 2],
    backends: v.backend === undefined || v.backend === 'both' ? ['js', 'wasm'] : [v.backend as Backend],
    out: (v.out as string | undefined) ?? 'bench-results.json', filters: ((v.case as string[] | undefined) ?? []).map((c) => c.toLowerCase()),
    procs: (v.procs as number | undefined) ?? 1, json: v.json === true, list: v.list === true,
  };
  if (v.threads !== undefined) {
    const list = (v.threads as string).split(',');
    if (!list.every((t) => /^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 64)) {
      console.error(`bench: --threads must be a list of thread counts from 1 to 64 such as 1,2, got ${v.threads}\n${USAGE}`);
      process.exit(2);
    }
    a.threads = list.map(Number);
  }
  a.runs = a.runs || (a.quick ? 5 : 9);
  a.warmup = a.quick ? 2 : 4;
  return a;
}

// Peers right after our train step, so their samples/s sit next to ours
// PyTorch last: its rows carry our case names and are shown beside ours
const ALL: BenchCase[] = [...convCases, trainCases[0], ...peerCases, ...trainCases.slice(1), ...layerCases, ...threadCases, ...rngCases, ...ioCases, ...f32Cases, ...torchCases];

const matches = (name: string, f: string): boolean =>
  f.startsWith('=') ? name.toLowerCase() === f.slice(1) : name.toLowerCase().includes(f);

const selected = (a: Args): BenchCase[] =>
  ALL.filter((c) => a.filters.length === 0 || a.filters.some((f) =>
    matches(c.name, f) || (c.name === 'peers pytorch' && TORCH_CASES.some((t) => matches(t, f)))))
    .filter((c) => a.peers || !c.name.startsWith('peers'));

// ---------------------------------------------------------------------------------------------------
// Table

const fmtMs = (v?: number): string => (v === undefined ? '' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

function table(input: Row[]): string {
  let rows = input;
  // Rows of the same case together (the PyTorch peer's rows come last from the run)
  const first = new Map<string, number>();
  rows.forEach((r, i) => { if (!first.has(r.case)) first.set(r.case, i); });
  rows = rows.map((r, i) => ({ r, i })).sort((p, q) => first.get(p.r.case)! - first.get(q.r.case)! || p.i - q.i).map((p) => p.r);
  const head = ['case', 'backend', 'dtype', 'threads', 'ours ms', 'wasm/js', 'ref ms', 'ref/ours', 'GFLOP/s', 'samples/s', 'target', 'note'];
  const body = rows.map((r) => [
    r.case,
    r.backend ?? '',
    r.dtype ?? 'float64',
    r.threads === undefined ? '' : String(r.threads),
    fmtMs(r.ours),
    r.vsJs === undefined ? '' : `${r.vsJs.toFixed(2)}×`,
    fmtMs(r.ref),
    r.ours !== undefined && r.ref !== undefined ? `${(r.ref / r.ours).toFixed(r.ref / r.ours >= 10 ? 0 : 2)}×` : '',
    r.flops !== undefined && r.ours !== undefined ? (r.flops / r.ours / 1e6).toFixed(2) : '',
    r.samples !== undefined && r.ours !== undefined ? ((r.samples * 1000) / r.ours).toFixed(0) : '',
    r.target === undefined ? '' : `${r.met ? 'ok' : 'MISSED'} ${r.target}`,
    r.note ?? '',
  ]);
  const width = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const right = new Set([3, 4, 5, 6, 7, 8, 9]);
  const line = (cells: string[]): string =>
    cells.map((c, j) => (j === cells.length - 1 ? c : right.has(j) ? c.padStart(width[j]) : c.padEnd(width[j]))).join('  ').trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function machine(): string {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} logical CPUs, node ${process.version}, ${process.platform}-${process.arch}`;
}

/** Median of each numeric field over the processes; the spread of `ours` goes into the note. */
function aggregate(runs: Row[][]): Row[] {
  const out: Row[] = [];
  for (const first of runs[0]) {
    const same = runs.map((rs) => rs.find((r) => r.case === first.case && r.threads === first.threads && r.backend === first.backend && r.dtype === first.dtype)).filter((r): r is Row => r !== undefined);
    const med = (k: 'ours' | 'ref'): number | undefined => {
      const v = same.map((r) => r[k]).filter((x): x is number => x !== undefined);
      return v.length ? median(v) : undefined;
    };
    const row: Row = { ...first, ours: med('ours'), ref: med('ref') };
    const ours = same.map((r) => r.ours).filter((x): x is number => x !== undefined);
    if (ours.length > 1) {
      const spread = `${same.length} procs: ours ${fmtMs(Math.min(...ours))}–${fmtMs(Math.max(...ours))} ms`;
      row.note = row.note ? `${row.note}; ${spread}` : spread;
    }
    if (row.target !== undefined) row.met = same.filter((r) => r.met).length * 2 > same.length; // majority
    out.push(row);
  }
  return out;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const cases = selected(a);
  if (a.list) {
    for (const c of ALL) console.log(c.name);
    return;
  }
  if (cases.length === 0) throw new Error(`no case matches ${a.filters.join(', ')} (see --list)`);

  if (!a.json) {
    console.log(`epynn-ts bench — ${machine()}`);
    const load = loadavg()[0];
    if (load > cpus().length * 0.6) {
      console.log(`WARNING: load average ${load.toFixed(1)} on ${cpus().length} CPUs: other processes compete, timings will be slow and noisy`);
    }
    console.log(`threads ${a.threads.join(' and ')} for the training cases (1 for the kernels), backends ${a.backends.join(' and ')}; ${a.quick ? 'quick, ' : ''}median of ≥ ${a.runs} runs after ${a.warmup} warm-ups${a.procs > 1 ? `, ${a.procs} processes per case` : ''}\n`);
  }

  const rows: Row[] = [];
  const load0 = loadavg()[0];
  for (const c of cases) {
    // Every case on each backend (peers: once, they do not use our kernels)
    const backends = c.name.startsWith('peers') ? [a.backends[a.backends.length - 1]] : a.backends;
    for (const backend of backends) {
      if (!selectBackend(backend)) {
        rows.push({ case: c.name, backend, note: 'wasm backend unavailable here' });
        continue;
      }
      const tag = (rs: Row[]): Row[] => rs.map((r) => ({ ...r, backend: r.backend ?? backend, threads: r.threads ?? 1 }));
      if (a.procs > 1 || (c.isolated && !a.json)) {
        // Fresh processes: whether V8 inlines a hot kernel can differ from one process to the next
        const runs: Row[][] = [];
        for (let p = 0; p < a.procs; p++) {
          const args = [...process.execArgv, process.argv[1], '--json', '--case', `=${c.name}`, '--runs', String(a.runs), '--backend', backend, '--threads', a.threads.join(',')];
          if (a.quick) args.push('--quick');
          if (a.peers) args.push('--peers');
          const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
          if (r.status !== 0) throw new Error(`bench child for '${c.name}' failed:\n${r.stderr}`);
          const all = JSON.parse(r.stdout.trim().split('\n').pop()!) as Row[]; // peers may print banners first
          runs.push(all);
        }
        rows.push(...tag(aggregate(runs)));
      } else {
        try {
          rows.push(...tag(await c.run(a)));
        } catch (err) {
          rows.push({ case: c.name, backend, note: `FAILED: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}` });
        }
      }
      if (!a.json) process.stderr.write(`  done: ${c.name} [${activeBackend()}]\n`);
    }
  }
  // Speed-up of the wasm kernels over the js ones, same case, same run
  for (const r of rows) {
    const js = rows.find((q) => q.case === r.case && q.backend === 'js' && q.threads === r.threads && q.dtype === r.dtype);
    if (r.backend === 'wasm' && js?.ours !== undefined && r.ours !== undefined) r.vsJs = js.ours / r.ours;
  }

  if (a.json) {
    console.log(JSON.stringify(rows));
    return;
  }
  console.log(table(rows));
  const load1 = loadavg()[0];
  writeFileSync(a.out, JSON.stringify({
    date: new Date().toISOString(), machine: machine(), cpus: cpus().length, loadavg: [load0, load1],
    quick: a.quick, runs: a.runs, backends: a.backends, threads: a.threads, rows,
  }, null, 1) + '\n');
  console.log(`\nload average ${load0.toFixed(1)} → ${load1.toFixed(1)} on ${cpus().length} CPUs; results written to ${a.out}`);
  console.log('\nref/ours: speed-up over the reference (plain loops for conv and the train step; plain GEMM layers for Dense/RNN/LSTM/GRU).');
  console.log('GFLOP/s counts the matrix products only (conv fwd = 2·m·oh·ow·fh·fw·d·u, bwd = 2× that).');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
