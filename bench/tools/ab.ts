// Same-process A/B of the two backends by CPU time (robust to a loaded machine): the CNN training step,
// conv S3-style forward and dW, and Dense. `npx tsx bench/tools/ab.ts`
import { selectBackend } from '../../src/kernels/backend.js';
import { modelBackward } from '../../src/network/backward.js';
import { cnnModel } from '../cases/train.js';

const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

async function main(): Promise<void> {
  // A model per backend: its layers' reused buffers are made on that backend (resident on wasm)
  const models = { js: await cnnModel(32), wasm: await cnnModel(32) };
  const res: Record<string, number[]> = { js: [], wasm: [] };
  for (let round = 0; round < 7; round++) {
    for (const b of ['js', 'wasm'] as const) {
      selectBackend(b);
      const model = models[b];
      const batch = model.embedding.trainingBatches()[0];
      model.setTraining(true);
      for (const l of model.layers) l.reuseOutputs = true;
      const step = (): void => {
        const A = model.forward(batch.X);
        const dA = model.trainingLoss(batch.Y!, A, true);
        modelBackward(model, dA, { inputGradient: false });
      };
      for (let i = 0; i < 3; i++) step();
      const t0 = cpu();
      const n = 20;
      for (let i = 0; i < n; i++) step();
      res[b].push((cpu() - t0) / n);
    }
  }
  // Evaluation: forward only over 2,048 samples, as model.evaluate() runs it
  const { modelForwardBatched } = await import('../../src/network/forward.js');
  const { cnnData } = await import('../cases/train.js');
  const big = cnnData(2048).X;
  for (const model of Object.values(models)) {
    model.setTraining(false);
    for (const l of model.layers) l.reuseOutputs = false;
  }
  const ev: Record<string, number[]> = { js: [], wasm: [] };
  for (let round = 0; round < 3; round++) {
    for (const b of ['js', 'wasm'] as const) {
      selectBackend(b);
      modelForwardBatched(models[b], big);
      const t0 = cpu();
      modelForwardBatched(models[b], big);
      ev[b].push(cpu() - t0);
    }
  }
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];
  for (const b of ['js', 'wasm']) console.log(`${b}: evaluation ${(2048000 / med(ev[b])).toFixed(0)} samples/s (CPU)`);
  for (const b of ['js', 'wasm']) console.log(`${b}: step ${med(res[b]).toFixed(2)} ms CPU, ${(32000 / med(res[b])).toFixed(0)} samples/s`);
  console.log(`wasm/js speed-up ${(med(res.js) / med(res.wasm)).toFixed(2)}×`);
}
void main();
