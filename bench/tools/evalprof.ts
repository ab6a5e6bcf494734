// Per-layer CPU time of evaluation (forward only, 128-sample chunks) on each backend. `npx tsx bench/tools/evalprof.ts`
import { selectBackend } from '../../src/kernels/backend.js';
import { cnnData, cnnModel } from '../cases/train.js';

const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
async function main(): Promise<void> {
  const model = await cnnModel(32);
  const X = cnnData(128).X;
  for (const l of model.layers) l.reuseOutputs = true;
  for (const b of ['js', 'wasm', 'js', 'wasm'] as const) {
    selectBackend(b);
    const t: Record<string, number> = {};
    const N = 20;
    for (let it = 0; it < N + 3; it++) {
      let A = X;
      for (const l of model.layers) {
        const t0 = cpu();
        A = l.forward(A);
        if (it >= 3) t[l.name] = (t[l.name] ?? 0) + cpu() - t0;
      }
    }
    console.log(b, Object.entries(t).map(([k, v]) => `${k} ${(v / N).toFixed(2)}`).join(' | '), 'ms per 128');
  }
}
void main();
