// CPU time of the recurrent layers' training step (forward, backward, gradients) per pass, on both
// backends, the bench's sizes (m=32, s=20, e=16, u=32) and its settings (caches reused as in train()).
// Rounds alternate the backends in one process; medians of the rounds. Load average printed alongside.
// `npx tsx bench/tools/recprof.ts [RNN|LSTM|GRU ...] [--rounds N]`
import { loadavg } from 'node:os';
import type { Layer } from '../../src/commons/models.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { GRU } from '../../src/gru/models.js';
import { selectBackend } from '../../src/kernels/backend.js';
import { LSTM } from '../../src/lstm/models.js';
import { RNN } from '../../src/rnn/models.js';
import { median, randomArray } from '../timing.js';

const CTORS = { RNN, LSTM, GRU } as const;
type Kind = keyof typeof CTORS;
const argv = process.argv.slice(2);
const ri = argv.indexOf('--rounds');
const rounds = ri >= 0 ? parseInt(argv[ri + 1], 10) : 15;
const kinds = argv.filter((a) => a in CTORS) as Kind[];
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const [m, s, e, u] = [32, 20, 16, 32];
const X = new NDArray(randomArray(m * s * e, 6), [m, s, e]);
const REPS = 20;

function model(kind: Kind, b: 'js' | 'wasm'): { layer: Layer; dA: NDArray } {
  selectBackend(b); // before the buffers are made: resident on 'wasm'
  const layer = new CTORS[kind]({ unitCells: u, clipGradients: false });
  layer.reuseOutputs = true;
  layer.computeShapes(X);
  layer.initializeParameters();
  const A = layer.forward(X);
  return { layer, dA: new NDArray(randomArray(A.size, 3), A.shape) };
}

const load0 = loadavg()[0];
for (const kind of kinds.length > 0 ? kinds : (['RNN', 'LSTM', 'GRU'] as Kind[])) {
  const ms: Record<string, Record<'fwd' | 'bwd' | 'grad' | 'all', number[]>> = {};
  const models = { js: model(kind, 'js'), wasm: model(kind, 'wasm') };
  for (let r = 0; r < rounds + 2; r++) {
    for (const b of ['js', 'wasm'] as const) {
      selectBackend(b);
      const { layer, dA } = models[b];
      let f = 0, bw = 0, g = 0;
      for (let i = 0; i < REPS; i++) {
        const t0 = cpu(); layer.forward(X);
        const t1 = cpu(); layer.backward(dA);
        const t2 = cpu(); layer.computeGradients();
        const t3 = cpu();
        f += t1 - t0; bw += t2 - t1; g += t3 - t2;
      }
      if (r < 2) continue; // warm-up rounds
      const o = (ms[b] ??= { fwd: [], bwd: [], grad: [], all: [] });
      o.fwd.push(f / REPS); o.bwd.push(bw / REPS); o.grad.push(g / REPS); o.all.push((f + bw + g) / REPS);
    }
  }
  const row = (b: string): string => (['fwd', 'bwd', 'grad', 'all'] as const).map((k) => `${k} ${median(ms[b][k]).toFixed(3)}`).join('  ');
  console.log(`${kind.padEnd(4)} js   ${row('js')}`);
  console.log(`${kind.padEnd(4)} wasm ${row('wasm')}   js/wasm ${(median(ms.js.all) / median(ms.wasm.all)).toFixed(2)}×`);
}
console.log(`CPU ms per call, medians of ${rounds} rounds of ${REPS}; load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
