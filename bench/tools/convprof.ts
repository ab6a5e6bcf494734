// Per-phase CPU time of a conv bench shape (bench/cases/conv.ts) on each backend, as the bench runs it
// (layer.forward, layer.backward, layer.computeGradients). `npx tsx bench/tools/convprof.ts [S3]`
import { selectBackend } from '../../src/kernels/backend.js';
import { SHAPES, convFlops, convSetup } from '../cases/conv.js';

const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];

async function main(): Promise<void> {
  const ids = process.argv.slice(2).filter((a) => /^S\d$/.test(a));
  for (const c of SHAPES.filter((s) => (ids.length === 0 ? s.id === 'S3' : ids.includes(s.id)))) {
    for (const b of ['js', 'wasm', 'js', 'wasm'] as const) {
      selectBackend(b);
      const { layer, X, dA } = await convSetup(c);
      const t: Record<string, number[]> = { fwd: [], bwd: [], grad: [] };
      for (let it = 0; it < 40; it++) {
        let t0 = cpu();
        layer.forward(X);
        const t1 = cpu();
        layer.backward(dA);
        const t2 = cpu();
        layer.computeGradients();
        const t3 = cpu();
        if (it >= 8) { t.fwd.push(t1 - t0); t.bwd.push(t2 - t1); t.grad.push(t3 - t2); }
        t0 = t3;
      }
      const all = med(t.fwd) + med(t.bwd) + med(t.grad);
      console.log(`${c.id} ${b}: fwd ${med(t.fwd).toFixed(2)} | bwd(dX) ${med(t.bwd).toFixed(2)} | grad(dW) ${med(t.grad).toFixed(2)} ms CPU, ${(3 * convFlops(c) / all / 1e6).toFixed(2)} GFLOP/s`);
    }
  }
}
void main();
