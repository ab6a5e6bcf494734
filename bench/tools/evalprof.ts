// Per-layer CPU time of evaluation (forward only, as model.evaluate() runs it: modelForwardBatched over
// 512 samples) on each backend, against the CNN training step timed in the same process.
// `npx tsx bench/tools/evalprof.ts`
import { selectBackend } from '../../src/kernels/backend.js';
import { setThreads } from '../../src/parallel/engine.js';
import { modelBackward } from '../../src/network/backward.js';
import { modelForwardBatched } from '../../src/network/forward.js';
import { cnnData, cnnModel } from '../cases/train.js';

const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];

async function main(): Promise<void> {
  setThreads(1); // one thread: the kernels' own time
  const N = 512;
  const X = cnnData(N, 9).X;
  for (const b of ['js', 'wasm', 'js', 'wasm'] as const) {
    selectBackend(b);
    // A model per backend: its layers' reused buffers are made on this backend (resident on wasm)
    const model = await cnnModel(32);
    const batch = model.embedding.trainingBatches()[0];
    model.setTraining(true);
    for (const l of model.layers) l.reuseOutputs = true;
    const steps: number[] = [];
    for (let it = 0; it < 25; it++) {
      const t0 = cpu();
      const A = model.forward(batch.X);
      modelBackward(model, model.trainingLoss(batch.Y!, A, true), { inputGradient: false });
      if (it >= 5) steps.push(cpu() - t0);
    }
    model.setTraining(false);
    for (const l of model.layers) l.reuseOutputs = false;
    // Each layer's forward timed inside modelForwardBatched
    const t: Record<string, number> = {};
    const inner = model.layers.map((l) => {
      const f = l.forward.bind(l);
      l.forward = (A) => { const t0 = cpu(); const r = f(A); t[l.name] = (t[l.name] ?? 0) + cpu() - t0; return r; };
      return f;
    });
    // (modelForwardBatched sets Convolution.forwardOnly itself: no Z kept)
    const evals: number[] = [];
    const R = 12;
    for (let it = 0; it < R + 3; it++) {
      if (it === 3) for (const k of Object.keys(t)) t[k] = 0;
      const t0 = cpu();
      modelForwardBatched(model, X);
      if (it >= 3) evals.push(cpu() - t0);
    }
    const step = med(steps), ev = med(evals);
    const layers = Object.entries(t).map(([k, v]) => `${k} ${(v / R / (N / 32)).toFixed(3)}`).join(' | ');
    console.log(`${b}: step ${step.toFixed(2)} ms (${(32000 / step).toFixed(0)}/s), eval ${ev.toFixed(1)} ms per ${N} (${(N * 1000 / ev).toFixed(0)}/s), ratio ${((N / ev) / (32 / step)).toFixed(2)}×; per 32: ${layers}`);
    model.layers.forEach((l, i) => { l.forward = inner[i]; });
  }
}
void main();
