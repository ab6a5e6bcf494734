// The playground's step-through (playground/src/stepper.ts): one batch stepped call by call gives the same
// bits as the library's own forward / loss / backward loop; the cell explanations (explain.ts) add up to
// the cached values; the code excerpts (lesson.ts) are found in the real sources by their step comments.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Convolution, Dense, EpyNN, Embedding, Flatten, LSTM, NDArray, Pooling, relu, softmax } from '../../src/index.js';
import { convDW, convDX, convZ, denseDW, denseDX, denseZ, poolZ } from '../../playground/src/explain.js';
import { EQUATIONS, codeSteps, excerptsFor } from '../../playground/src/lesson.js';
import { Stepper, batchSteps } from '../../playground/src/stepper.js';
import { makeDataset } from '../../playground/src/datasets.js';

const root = join(import.meta.dirname, '..', '..');

function cnn(seed = 3): EpyNN {
  const { X, Y } = makeDataset({ kind: 'dummy_image', samples: 80 }, 1);
  const emb = new Embedding({ XData: X as NDArray, YData: Y, YEncode: true, batchSize: 16, relativeSize: [4, 1, 0] });
  const model = new EpyNN([emb, new Convolution({ unitFilters: 3, filterSize: 3, strides: 2, padding: 1 }), new Pooling({ poolSize: 2 }), new Flatten(),
    new Dense({ units: 5, activate: relu }), new Dense({ units: 2, activate: softmax })], 'cnn');
  model.initialize({ loss: 'CCE', seed, quiet: true, seHPars: { learning_rate: 0.1 } });
  return model;
}

const same = (a: NDArray | undefined, b: NDArray | undefined, what: string): void => {
  expect(a, what).toBeDefined();
  expect(a!.shape, what).toEqual(b!.shape);
  expect(Buffer.from(a!.data.buffer, a!.data.byteOffset, a!.data.byteLength).equals(Buffer.from(b!.data.buffer, b!.data.byteOffset, b!.data.byteLength)), what).toBe(true);
};

describe('Stepper', () => {
  test('the steps are EpyNN\'s order: forward 0..L-1, loss, then backward, gradients, update from the last layer to layer 1', () => {
    const s = batchSteps(3);
    expect(s.map((x) => `${x.phase}${x.layer}`)).toEqual(['forward0', 'forward1', 'forward2', 'loss-1', 'backward2', 'gradients2', 'update2', 'backward1', 'gradients1', 'update1']);
  });

  test('a stepped batch leaves the same bits as model.forward, trainingLoss and model.backward on the same batch', () => {
    const a = cnn();
    const b = cnn();
    const stepper = new Stepper(a);
    const ran = stepper.finishBatch();
    expect(ran.length).toBe(batchSteps(a.layers.length).length);
    expect(stepper.batchesDone).toBe(1);
    // the library's loop on the same first batch of the same seed
    const batch = b.embedding.trainingBatches()[0];
    same(stepper.batch!.X, batch.X, 'batch X');
    b.setTraining(true);
    const A = b.forward(batch.X);
    const dA = b.trainingLoss(batch.Y!, A, true);
    b.backward(dA);
    b.setTraining(false);
    same(stepper.output, A, 'output A');
    a.layers.forEach((la, i) => {
      const lb = b.layers[i];
      for (const k of Object.keys(lb.p)) same(la.p[k], lb.p[k], `${la.name} p.${k}`);
      for (const k of Object.keys(lb.g)) same(la.g[k], lb.g[k], `${la.name} g.${k}`);
      for (const k of Object.keys(lb.fc)) same(la.fc[k], lb.fc[k], `${la.name} fc.${k}`);
      // (the Embedding's backward is not a training step: train() never calls it)
      if (i > 0) for (const k of Object.keys(lb.bc)) same(la.bc[k], lb.bc[k], `${la.name} bc.${k}`);
    });
    // the second batch continues the epoch
    stepper.stepTo('loss');
    expect(stepper.batchIndex).toBe(1);
    expect(stepper.pending).toEqual({ phase: 'backward', layer: a.layers.length - 1 });
  });

  test('stepTo stops after the first step of the phase; the update changes p, the copy of what forward used does not', () => {
    const m = cnn();
    const st = new Stepper(m);
    st.stepTo('loss');
    expect(st.loss!.shape).toEqual([16]);
    const W0 = m.layers[1].p.W.data.slice();
    for (let i = 0; i < 100 && st.pending; i++) st.step();
    expect(Array.from(m.layers[1].p.W.data)).not.toEqual(Array.from(W0));
    expect(Array.from(st.used.get(1)!.W.data)).toEqual(Array.from(W0));
  });
});

describe('cell explanations add up to the cached values', () => {
  const close = (x: number, y: number): void => expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y)));
  const m = cnn();
  const st = new Stepper(m);
  st.finishBatch();
  const conv = m.layers[1] as Convolution;
  const pool = m.layers[2] as Pooling;
  const dense = m.layers[4] as Dense;
  const W = st.used.get(1)!.W;
  const b = st.used.get(1)!.b;

  test('Convolution Z, A (5.1)-(6), including windows over the padding', () => {
    const Z = conv.fc.Z;
    for (const [im, ioh, iow, iu] of [[0, 0, 0, 0], [3, 5, 7, 2], [15, 13, 13, 1]]) {
      const e = convZ({ X: conv.fc.X, Z, A: conv.fc.A, W, b, d: conv.d, useBias: true }, im, ioh, iow, iu);
      expect(e.terms.length).toBe(9);
      close(e.sum + e.bias!, e.cached);
      expect(e.activated).toBe(Math.max(0, e.cached));
    }
    expect(convZ({ X: conv.fc.X, Z, A: conv.fc.A, W, b, d: conv.d, useBias: true }, 0, 0, 0, 0).terms.filter((t) => t.what.startsWith('padding')).length).toBe(5);
  });

  test('Convolution dX (5hw)-(6hw): every (dZ, W) pair of the overlapping windows', () => {
    let checked = 0;
    for (const [im, y, x] of [[0, 0, 0], [2, 5, 6], [9, 27, 27], [1, 14, 13]]) {
      const e = convDX({ X: conv.fc.X, dZ: conv.bc.dZ, dX: conv.bc.dX, W, d: conv.d }, im, y, x, 0);
      close(e.sum, e.cached);
      checked += e.terms.length;
    }
    expect(checked).toBeGreaterThan(12);
  });

  test('Convolution dW (1.1): the sum over samples and positions', () => {
    for (const [a, bb, iu] of [[0, 0, 0], [1, 2, 2], [2, 1, 1]]) {
      const e = convDW({ X: conv.fc.X, dZ: conv.bc.dZ, dW: conv.g.dW, d: conv.d }, a, bb, 0, iu);
      expect(e.perSample!.length).toBe(16);
      close(e.sum, e.cached);
    }
  });

  test('Dense row · column, dX and dW; Pooling window', () => {
    const Wd = st.used.get(4)!.W;
    const bd = st.used.get(4)!.b;
    for (const [im, iu] of [[0, 0], [7, 4]]) {
      const e = denseZ({ X: dense.fc.X, Z: dense.fc.Z, A: dense.fc.A, W: Wd, b: bd }, im, iu);
      close(e.sum + e.bias!, e.cached);
    }
    close(denseDX({ dZ: dense.bc.dZ, dX: dense.bc.dX, W: Wd }, 3, 17).sum, dense.bc.dX.data[3 * dense.bc.dX.shape[1] + 17]);
    const e = denseDW({ X: dense.fc.X, dZ: dense.bc.dZ, dW: dense.g.dW }, 17, 3);
    close(e.sum, e.cached);
    const p = poolZ({ X: pool.fc.X, Z: pool.fc.Z, d: pool.d, pool: 'max' }, 4, 3, 2, 1);
    expect(p.sum).toBe(p.cached);
    expect(p.terms.some((t) => t.what.endsWith('selected'))).toBe(true);
  });
});

describe('the code beside the equations', () => {
  const src = (layer: string, file: string) => codeSteps(`src/${layer}/${file}`, readFileSync(join(root, 'src', layer, file), 'utf8'));

  test('every numbered Convolution and Dense equation has its lines in the source, found by the step comment', () => {
    for (const layer of ['convolution', 'dense']) {
      const name = layer === 'dense' ? 'Dense' : 'Convolution';
      const byPhase = { forward: src(layer, 'forward.ts'), backward: src(layer, 'backward.ts'), gradients: src(layer, 'parameters.ts') };
      for (const phase of ['forward', 'backward', 'gradients'] as const) {
        for (const eq of EQUATIONS[name][phase]!) {
          const ex = excerptsFor(byPhase[phase], eq.n);
          expect(ex.length, `${name} ${phase} (${eq.n})`).toBeGreaterThan(0);
          expect(ex[0].lines[0]).toContain(`(${eq.n.replace(/[–].*/, '')}`);
        }
      }
    }
  });

  test('a block runs from its comment to the next blank line or step; line numbers are 1-based', () => {
    const text = ['a', '// (1) first', 'x = 1;', 'y = 2;', '', '// (2) second', 'z = 3; // (2.1) inline', '// (3) third'].join('\n');
    const s = codeSteps('f.ts', text);
    expect(s.map((x) => [x.label, x.line, x.lines.length])).toEqual([['1', 2, 3], ['2', 6, 2], ['2.1', 7, 1], ['3', 8, 1]]);
    expect(excerptsFor(s, '2').map((x) => x.label)).toEqual(['2', '2.1']);
    expect(excerptsFor(s, '2.1').map((x) => x.label)).toEqual(['2.1']);
  });

  test('LSTM steps (4s)..(9s) are found in its forward source', () => {
    const s = src('lstm', 'forward.ts');
    for (const eq of EQUATIONS.LSTM.forward!) expect(excerptsFor(s, eq.n).length, eq.n).toBeGreaterThan(0);
    void LSTM;
  });
});

describe('the gradient check button (playground/src/gradcheck.ts)', () => {
  test('central differences agree with the layers\' gradients on a batch to < 1e-6, and the checked model is untouched', async () => {
    const { gradientCheck } = await import('../../playground/src/gradcheck.js');
    const m = cnn(5);
    const batch = m.embedding.trainingBatches()[0];
    const W = m.layers[1].p.W.data.slice();
    const rows = gradientCheck(m, batch, { perArray: 8 });
    expect(rows.map((r) => `${r.name}.${r.param}`)).toEqual(['Convolution.W', 'Convolution.b', 'Dense.W', 'Dense.b', 'Dense.W', 'Dense.b']);
    for (const r of rows) expect(r.maxRel, `${r.name}.${r.param}`).toBeLessThan(1e-6);
    expect(rows.every((r) => r.checked > 0)).toBe(true);
    expect(rows.filter((r) => r.name === 'Convolution').every((r) => r.note.includes('tied'))).toBe(true); // max pooling: the note
    expect(Array.from(m.layers[1].p.W.data)).toEqual(Array.from(W));
  });

  test('a wrong gradient is caught: a layer whose computeGradients doubles dW fails the check', async () => {
    const { gradientCheck } = await import('../../playground/src/gradcheck.js');
    const m = cnn(5);
    const batch = m.embedding.trainingBatches()[0];
    const proto = Object.getPrototypeOf(m.layers[5]) as { computeGradients(): void };
    const original = proto.computeGradients;
    proto.computeGradients = function (this: Dense) {
      original.call(this);
      for (let i = 0; i < this.g.dW.data.length; i++) this.g.dW.data[i] *= 2;
    };
    try {
      const rows = gradientCheck(m, batch, { perArray: 4 });
      expect(rows.filter((r) => r.name === 'Dense' && r.param === 'W').some((r) => r.maxRel > 0.3)).toBe(true);
    } finally {
      proto.computeGradients = original;
    }
  });
});

describe('recurrent cells, step by step', () => {
  test('LSTM (8s)-(9s) and GRU (7s) at a cell: the gates\' terms add up to the cached C_ and h', async () => {
    const { lstmCell, gruCell } = await import('../../playground/src/explain.js');
    const { GRU } = await import('../../src/index.js');
    const { X, Y } = makeDataset({ kind: 'dummy_string', samples: 60 }, 2) as { X: string[][]; Y: number[] };
    for (const cell of [new LSTM({ unitCells: 3, sequences: true }), new GRU({ unitCells: 3, sequences: true })]) {
      const emb = new Embedding({ XData: X, YData: Y, XEncode: true, YEncode: true, batchSize: 12, relativeSize: [4, 1, 0] });
      const m = new EpyNN([emb, cell, new Flatten(), new Dense({ units: 2, activate: softmax })], 'rec');
      m.initialize({ loss: 'BCE', seed: 4, quiet: true });
      const st = new Stepper(m);
      st.finishBatch();
      st.stepTo('forward');
      st.stepTo('forward'); // the recurrent layer's forward of the second batch
      const fc = m.layers[1].fc;
      for (const [im, s, u] of [[0, 0, 0], [5, 6, 2], [11, 11, 1]]) {
        if (cell.name === 'LSTM') {
          const e = lstmCell(fc, im, s, u);
          expect(Math.abs(e.sum - e.cached)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(e.cached)));
          const k = (im * 12 + s) * 3 + u;
          expect(fc.h.data[k]).toBe(fc.o.data[k] * fc.C.data[k]);
        } else {
          const e = gruCell(fc, im, s, u);
          expect(Math.abs(e.sum - e.cached)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(e.cached)));
        }
      }
    }
  });
});
