// examples/custom_layer: a layer written outside the library (Scale) trains, passes a gradient check,
// is written to a file and read back; a custom class that breaks the Layer contract gets a clear error
// at run time (not only from tsc).
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { examples } from '../../examples/index.js';
import { Scale } from '../../examples/custom_layer/scale.js';
import { Dense, EpyNN, EpyNNError, Embedding, Layer, NDArray, registerLayer, seededRng } from '../../src/node/index.js';
import { readModel, writeModel } from '../../src/node/index.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { tempDir } from './helpers.js';

describe('custom_layer example', () => {
  test('the Scale layer trains with the network, and the model learns', async () => {
    const model = await examples.custom_layer.run({ epochs: 60, quiet: true, samples: 200 });
    const scale = model.layers[1];
    expect(scale).toBeInstanceOf(Scale);
    expect(Array.from(scale.p.g.data).some((v) => v !== 1)).toBe(true); // g started at ones
    expect(Array.from(scale.p.b.data).some((v) => v !== 0)).toBe(true); // b started at zeros
    const acc = model.metrics.accuracy[1];
    expect(acc[acc.length - 1]).toBeGreaterThan(0.9);
  });

  test('Scale passes the finite-difference gradient check', () => {
    const rng = seededRng(11);
    const layer = new Scale();
    const X = new NDArray(Float64Array.from({ length: 4 * 3 * 2 }, () => rng.standardNormal()), [4, 3, 2]);
    layer.computeShapes(X);
    layer.initializeParameters();
    layer.p.g.data.forEach((_, i, g) => (g[i] = rng.standardNormal()));
    layer.p.b.data.forEach((_, i, b) => (b[i] = rng.standardNormal()));
    const { checked } = gradcheck(layer, X, rng);
    expect(checked).toBeGreaterThan(0);
  });

  test('written to a file and read back: a Scale layer again, identical predictions', async () => {
    const dir = tempDir('custom-layer');
    const model = await examples.custom_layer.run({ epochs: 3, quiet: true, samples: 64 });
    const path = writeModel(model, join(dir, 'scale.json'));
    const back = readModel(path);
    expect(back.layers[1]).toBeInstanceOf(Scale);
    expect(Array.from(back.layers[1].p.g.data)).toEqual(Array.from(model.layers[1].p.g.data));
    const X = [[1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0], [0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0]];
    expect(Array.from(back.predict(X).A.data)).toEqual(Array.from(model.predict(X).A.data));
  });
});

describe('the Layer contract is enforced at run time', () => {
  // As plain JavaScript (or a cast) would allow: tsc does not see these classes as Layer subclasses
  const Base = Layer as unknown as new (name?: string) => Layer;
  const embedding = (): Embedding => new Embedding({ XData: [[0, 1], [1, 0], [1, 1], [0, 0]], YData: [0, 1, 1, 0] });

  class Pass extends Base {
    constructor(name = 'Pass') {
      super(name);
    }
    toConfig() {
      return {};
    }
    computeShapes(A: NDArray) {
      this.fs.X = A.shape;
    }
    initializeParameters() {}
    forward(A: NDArray) {
      return (this.fc.A = A);
    }
    backward(dX: NDArray) {
      return (this.bc.dX = dX);
    }
    computeGradients() {}
    updateParameters() {}
  }

  test('a subclass missing a method: new EpyNN names the layer, the method and the contract', () => {
    class NoBackward extends Pass {}
    Object.defineProperty(NoBackward.prototype, 'backward', { value: undefined });
    expect(() => new EpyNN([embedding(), new NoBackward('NoBackward'), new Dense()])).toThrow(EpyNNError);
    expect(() => new EpyNN([embedding(), new NoBackward('NoBackward'), new Dense()])).toThrow(
      /^EpyNN: layers\[1\] \(NoBackward\) does not implement backward\(dX\); a Layer subclass implements computeShapes\(A\), initializeParameters\(\), forward\(A\), backward\(dX\), computeGradients\(\), updateParameters\(\), toConfig\(\)/,
    );
  });

  test('a layer without a name, or an object that is not a Layer', () => {
    class Nameless extends Pass {
      constructor() {
        super('');
      }
    }
    expect(() => new EpyNN([embedding(), new Nameless()])).toThrow(/EpyNN: layers\[1\] \(class Nameless\) has no name; call super\('Nameless'\)/);
    const fake = { forward: (A: NDArray) => A } as unknown as Layer;
    expect(() => new EpyNN([embedding(), fake])).toThrow(/EpyNN: layers\[1\] is not a Layer \(got Object\); a custom layer extends Layer/);
  });

  test('forward or backward returning something else than an NDArray names the layer and the method', () => {
    class Forgetful extends Pass {
      override forward(A: NDArray) {
        this.fc.A = A; // no return
        return undefined as unknown as NDArray;
      }
    }
    const model = new EpyNN([embedding(), new Forgetful('Forgetful'), new Dense()]);
    expect(() => model.initialize({ quiet: true })).toThrow(/EpyNN check failed in Forgetful\.forward\(\): Forgetful\.forward\(\) returned undefined; it must return an NDArray \(its output A\)/);

    class BadBackward extends Pass {
      override backward() {
        return [0] as unknown as NDArray;
      }
    }
    const m2 = new EpyNN([embedding(), new Dense({ units: 2 }), new BadBackward('BadBackward'), new Dense()]);
    expect(() => m2.initialize({ quiet: true })).toThrow(/BadBackward\.backward\(\) returned Array; it must return an NDArray \(the gradient dX for the previous layer\)/);
  });

  test('registerLayer takes only classes that extend Layer and implement the contract', () => {
    expect(() => registerLayer('Plain', class Plain {} as never)).toThrow(/registerLayer: the class for 'Plain' must be a class that extends Layer, got class Plain/);
    class Half extends Pass {}
    Object.defineProperty(Half.prototype, 'toConfig', { value: undefined });
    expect(() => registerLayer('Half', Half as never)).toThrow(/registerLayer: class Half does not implement toConfig\(\)/);
    expect(() => registerLayer('', Pass as never)).toThrow(/registerLayer: name must be a non-empty string/);
  });
});
