// The optimizers against torch.optim (PyTorch 1.13): float64 parameter trajectories of 25 steps on a
// Dense, a Convolution and an LSTM network with the same initial weights and data, at rtol 1e-12
// (and atol 1e-15, for the parameters that pass near zero: parameters are of order 0.1–1, whose ulp is
// 1e-17–2e-16).
// Fixtures: tests/fixtures/torch/optimizers.json, written by tests/fixtures/torch/generate.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Convolution, Dense, Embedding, EpyNN, Flatten, LSTM, NDArray, sigmoid, tanh } from '../../src/index.js';
import { optimizerFromConfig } from '../../src/optimizers/index.js';

interface ArrayFix {
  shape: number[];
  data: number[];
}
interface Fixture {
  torch: string;
  steps: number;
  nets: Record<string, { X: ArrayFix; Y: ArrayFix; init: Record<string, Record<string, ArrayFix>>; keys: Record<string, string[]> }>;
  configs: {
    name: string;
    optimizer: { name: string; options: Record<string, unknown> };
    lr: number;
    clip: { clipNorm?: number; clipValue?: number };
    schedule: { schedule: string; decay_k: number } | null;
    trajectories: Record<string, number[][]>;
  }[];
}

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'torch', 'optimizers.json'), 'utf8')) as Fixture;
const nd = (a: ArrayFix): NDArray => new NDArray(Float64Array.from(a.data), a.shape);

/** The network `name` as EpyNN layers, its parameters set to the fixture's initial weights. */
function build(name: string, config: Fixture['configs'][number]): EpyNN {
  const net = fixture.nets[name];
  const emb = new Embedding({ XData: nd(net.X), YData: nd(net.Y), relativeSize: [1, 0, 0] });
  const layers =
    name === 'dense' ? [emb, new Dense({ units: 4, activate: tanh }), new Dense({ units: 1, activate: sigmoid })]
    : name === 'convolution' ? [emb, new Convolution({ unitFilters: 2, filterSize: 3, strides: 1, activate: tanh }), new Flatten(), new Dense({ units: 1, activate: sigmoid })]
    : [emb, new LSTM({ unitCells: 3 }), new Dense({ units: 1, activate: sigmoid })];
  const model = new EpyNN(layers, `torch_${name}`);
  model.initialize({
    loss: 'MSE', seed: 1, quiet: true, ...config.clip,
    optimizer: optimizerFromConfig('test', config.optimizer.name, config.optimizer.options),
    seHPars: { learning_rate: config.lr, ...(config.schedule ?? {}) },
  });
  for (const [layer, params] of Object.entries(net.init)) {
    const l = model.layers[Number(layer)];
    expect(Object.keys(l.p)).toEqual(net.keys[layer]);
    for (const [k, a] of Object.entries(params)) {
      expect(l.p[k].shape).toEqual(a.shape);
      l.p[k].data.set(a.data);
    }
  }
  return model;
}

/** Every parameter in the fixture's order (layer, then key). */
function flat(model: EpyNN, keys: Record<string, string[]>): number[] {
  return Object.keys(keys).sort((a, b) => Number(a) - Number(b)).flatMap((layer) => keys[layer].flatMap((k) => Array.from(model.layers[Number(layer)].p[k].data)));
}

describe(`torch.optim ${fixture.torch} trajectories`, () => {
  expect(fixture.steps).toBeGreaterThanOrEqual(20);
  for (const config of fixture.configs) {
    for (const name of Object.keys(fixture.nets)) {
      test(`${config.name} on ${name}`, () => {
        const model = build(name, config);
        const keys = fixture.nets[name].keys;
        const ours = [flat(model, keys)];
        model.train({ epochs: fixture.steps, quiet: true, callbacks: [{ onEpochEnd: () => void ours.push(flat(model, keys)) }] });
        const theirs = config.trajectories[name];
        expect(ours.length).toBe(theirs.length);
        let worst = 0;
        theirs.forEach((step, t) => {
          step.forEach((v, i) => {
            const err = Math.abs(ours[t][i] - v) / Math.max(Math.abs(v), 1e-3);
            if (err > worst) worst = err;
            if (!(Math.abs(ours[t][i] - v) <= 1e-15 + 1e-12 * Math.abs(v))) {
              expect.fail(`${config.name} on ${name}: step ${t}, parameter ${i}: ${ours[t][i]} vs torch ${v} (relative error ${err})`);
            }
          });
        });
        expect(worst).toBeLessThanOrEqual(1e-12);
        // the parameters moved: the steps are not trivially equal
        expect(theirs[theirs.length - 1]).not.toEqual(theirs[0]);
      });
    }
  }
});
