// Per-layer CPU time of one CNN training step (forward, backward, gradients + update) on each backend.
// `npx tsx bench/tools/stepprof.ts`
import { selectBackend } from '../../src/kernels/backend.js';
import { setThreads } from '../../src/parallel/engine.js';
import { cnnModel } from '../cases/train.js';

const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
async function main(): Promise<void> {
  setThreads(1); // one thread: the kernels' own time
  for (const b of ['js', 'wasm', 'js', 'wasm'] as const) {
    selectBackend(b);
    // A model per backend: its layers' reused buffers are made on this backend (resident on wasm)
    const model = await cnnModel(32);
    const batch = model.embedding.trainingBatches()[0];
    model.setTraining(true);
    for (const l of model.layers) l.reuseOutputs = true;
    const t: Record<string, number> = {};
    const add = (k: string, f: () => void): void => { const t0 = cpu(); f(); t[k] = (t[k] ?? 0) + cpu() - t0; };
    const N = 40;
    for (let it = 0; it < N + 5; it++) {
      if (it === 5) for (const k of Object.keys(t)) t[k] = 0;
      let A = batch.X;
      for (const l of model.layers.slice(1)) add('f ' + l.name, () => { A = l.forward(A); });
      let dA = model.trainingLoss(batch.Y!, A, true);
      for (let i = model.layers.length - 1; i >= 1; i--) {
        const l = model.layers[i];
        l.skipDX = i === 1;
        add('b ' + l.name, () => { dA = l.backward(dA); });
        add('g ' + l.name, () => { l.computeGradients(); l.updateParameters(); });
        l.skipDX = false;
      }
    }
    const total = Object.values(t).reduce((a, v) => a + v, 0) / N;
    console.log(`${b} ${total.toFixed(2)} ms:`, Object.entries(t).filter(([, v]) => v / N > 0.05).map(([k, v]) => `${k} ${(v / N).toFixed(2)}`).join(' | '));
  }
}
void main();
