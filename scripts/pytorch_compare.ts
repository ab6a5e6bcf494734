// Reads a PyTorch folder back into epynn-ts (readPyTorch) and checks that it predicts as PyTorch
// does on the same samples: `model.load()` of the folder's model.py run by Python, against
// epynn-ts's predict. docs/OUTGROW.md uses it after training with train.py / torchrun.
//
//   npx tsx scripts/pytorch_compare.ts <folder> <data.npz> [--samples N] [--python /usr/bin/python3]
//
// X of data.npz is as the network takes it (encoded and scaled: predict is called with
// XEncode/XScale false). Prints the largest relative difference of the outputs and how many
// decisions (argmax) agree; exits 1 when an output differs by more than rtol 1e-10.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NDArray, decodeNpz } from '../src/index.js';
import { readPyTorch } from '../src/node/index.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const samples = Number(opt('--samples') ?? 1000);
const python = opt('--python') ?? '/usr/bin/python3';
if (args.length !== 2 || !(samples > 0)) {
  console.error('usage: npx tsx scripts/pytorch_compare.ts <folder> <data.npz> [--samples N] [--python PATH]');
  process.exit(2);
}
const [folder, data] = args.map((a) => resolve(a));

const model = readPyTorch(folder);
const X0 = decodeNpz(new Uint8Array(readFileSync(data)), data).X;
const m = Math.min(samples, X0.shape[0]);
const row = X0.size / X0.shape[0];
const X = new NDArray(X0.data.slice(0, m * row), [m, ...X0.shape.slice(1)]);

const tmp = mkdtempSync(join(tmpdir(), 'epynn-compare-'));
const out = join(tmp, 'A.npz');
const code = `
import sys, numpy as np, torch
sys.path.insert(0, sys.argv[1])
import model
with np.load(sys.argv[2]) as z:
    X = torch.from_numpy(np.array(z['X'][:int(sys.argv[4])], dtype=np.float64))
with torch.no_grad():
    np.savez(sys.argv[3], A=model.load()(X).numpy())
print('torch', torch.__version__)
`;
const r = spawnSync(python, ['-c', code, folder, data, out, String(m)], { encoding: 'utf8' });
if (r.status !== 0) {
  console.error(`${python} failed:\n${r.stderr}`);
  process.exit(1);
}
const At = decodeNpz(new Uint8Array(readFileSync(out)), out).A;
rmSync(tmp, { recursive: true, force: true });
const Ae = model.predict(X, { XEncode: false, XScale: false }).A!;

let worst = 0;
for (let i = 0; i < Ae.size; i++) worst = Math.max(worst, Math.abs(Ae.data[i] - At.data[i]) / Math.max(Math.abs(At.data[i]), 1e-300));
const k = Ae.size / m;
let agree = 0;
for (let i = 0; i < m; i++) {
  let [a, b] = [0, 0];
  for (let j = 1; j < k; j++) {
    if (Ae.data[i * k + j] > Ae.data[i * k + a]) a = j;
    if (At.data[i * k + j] > At.data[i * k + b]) b = j;
  }
  if (a === b) agree++;
}
console.log(`${r.stdout.trim()}; epynn-ts model '${model.name}' read from ${folder} (${model.epochsDone} epochs done)`);
console.log(`${m} samples: largest relative difference of the outputs ${worst.toExponential(2)}; decisions agree on ${agree}/${m}`);
process.exit(worst <= 1e-10 && At.size === Ae.size ? 0 : 1);
