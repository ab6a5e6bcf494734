// Every example variant at its defaults (epynnlive skipped): held-out (dval) accuracy of the last epoch and wall time.
// `npx tsx bench/tools/variants.ts [example]` — to check the example READMEs' tables.
import { examples } from '../../examples/index.js';
const only = process.argv[2];
for (const ex of Object.values(examples)) {
  if (only && ex.name !== only) continue;
  for (const variant of Object.keys(ex.variants)) {
    if (variant === 'epynnlive') continue;
    const t0 = performance.now();
    const model = await ex.run({ variant, quiet: true });
    const s = (performance.now() - t0) / 1000;
    const acc = model.metrics.accuracy?.[1]?.at(-1);
    console.log(`${ex.name} ${variant} dval ${acc === undefined ? 'n/a' : acc.toFixed(4)} ${s.toFixed(1)} s`);
  }
}
