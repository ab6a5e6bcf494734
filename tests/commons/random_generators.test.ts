// PythonRandom and RandomState beyond the reference sequences: module-level instances, sized draws as
// NDArrays, states through a model file, typed errors.
import { describe, expect, test } from 'vitest';
import { EpyNNError } from '../../src/errors.js';
import { NDArray } from '../../src/commons/ndarray.js';
import { NumpyRng } from '../../src/commons/numpy_rng.js';
import { PythonRandom, random } from '../../src/commons/python_random.js';
import { RandomState, np } from '../../src/commons/random_state.js';
import { restoreRng } from '../../src/commons/rng.js';
import { Dense, EpyNN, Embedding, modelFromJSON, modelToJSON } from '../../src/index.js';
import { throwsWith } from '../helpers/errors.js';

describe('module-level generators', () => {
  test('random.seed(1) and np.random.seed(1) port as one line each', () => {
    random.seed(1);
    expect(random.random()).toBe(0.13436424411240122); // Python 3: random.seed(1); random.random()
    np.random.seed(1);
    expect(np.random.rand()).toBe(0.417022004702574); // NumPy: np.random.seed(1); np.random.rand()
    random.seed(1);
    np.random.seed(1);
    expect([random.random(), np.random.rand()]).toEqual([new PythonRandom(1).random(), new RandomState(1).rand()]);
  });
});

describe('sized draws', () => {
  test('a count or a shape gives an NDArray of that shape, nothing gives a number', () => {
    const rs = new RandomState(3);
    expect(typeof rs.randn()).toBe('number');
    const a = rs.randn(2, 3);
    expect(a).toBeInstanceOf(NDArray);
    expect(a.shape).toEqual([2, 3]);
    expect(rs.normal(0, 0.5, 128).shape).toEqual([128]);
    expect(rs.randint(0, 10, [4, 1]).shape).toEqual([4, 1]);
    expect(rs.choice(['a', 'b', 'c'], 5)).toHaveLength(5);
    const b = new RandomState(3);
    b.randn();
    expect(Array.from(b.randn(2, 3).data)).toEqual(Array.from(a.data));
  });
});

describe('states', () => {
  test('a RandomState as a layer generator goes through a model file and continues the same stream', () => {
    const X = Array.from({ length: 8 }, (_, i) => [i / 8, 1 - i / 8]);
    const Y = [0, 1, 0, 1, 0, 1, 0, 1];
    const model = new EpyNN([new Embedding({ XData: X, YData: Y, relativeSize: [2, 1, 0] }), new Dense()], 'rs');
    model.initialize({ loss: 'MSE', seed: 1, quiet: true });
    const rs = new RandomState(7);
    model.layers[1].rng = rs.asRng();
    model.layers[1].rng.standardNormal(); // leaves a cached deviate
    expect(rs.getState().has_gauss).toBe(1);
    const back = modelFromJSON(JSON.stringify(modelToJSON(model)));
    const draws = (r: typeof model.layers[1]['rng']) => [r.standardNormal(), r.uniform(), r.integers(0, 1000), r.normal(1, 2)];
    const expected = draws(model.layers[1].rng);
    expect(draws(back.layers[1].rng)).toEqual(expected);
    expect(draws(restoreRng(new RandomState(7).getState()))).toEqual(draws(new RandomState(7).asRng()));
  });

  test('NumpyRng.fromState accepts an MT19937 state', () => {
    const rs = new RandomState(11);
    rs.rand(5);
    const g = NumpyRng.fromState(rs.getState());
    expect([g.uniform(), g.standardNormal()]).toEqual([rs.rand(), rs.randn()]);
  });

  test('setState takes NumPy legacy tuple too', () => {
    const a = new RandomState(2);
    const s = a.getState();
    const b = new RandomState(9);
    b.setState(['MT19937', s.state.key, s.state.pos, s.has_gauss, s.gauss]);
    expect(b.random(4).data).toEqual(a.random(4).data);
  });
});

describe('typed errors', () => {
  test('bad seeds and arguments name the method, the argument and the value', () => {
    throwsWith(() => new RandomState(-1), EpyNNError, 'RandomState.seed', '2**32 - 1', '-1');
    throwsWith(() => new RandomState(2 ** 32), EpyNNError, 'RandomState.seed', '4294967296');
    throwsWith(() => new RandomState([]), EpyNNError, 'non-empty');
    throwsWith(() => new PythonRandom(1.5), EpyNNError, 'PythonRandom.seed', '1.5');
    throwsWith(() => new PythonRandom('abc' as any), EpyNNError, 'string seeds');
    const r = new PythonRandom(1);
    throwsWith(() => r.randrange(5, 5), EpyNNError, 'randrange', 'empty range');
    throwsWith(() => r.randrange(0, 10, 0), EpyNNError, 'zero step');
    throwsWith(() => r.choice([]), EpyNNError, 'empty sequence');
    throwsWith(() => r.sample([1, 2], 3), EpyNNError, 'sample', 'k=3');
    throwsWith(() => r.randint(3, 1), EpyNNError, 'randint', 'a=3 > b=1');
    const rs = new RandomState(1);
    throwsWith(() => rs.randint(5, 5), EpyNNError, 'randint', 'low >= high');
    throwsWith(() => rs.choice(3, 4, false), EpyNNError, 'choice', 'replace=false');
    throwsWith(() => rs.choice(3, 1, true, [0.5, 0.6, 0]), EpyNNError, 'do not sum to 1');
    throwsWith(() => rs.normal(0, -1), EpyNNError, 'scale', '-1');
    throwsWith(() => rs.randn(2, -1), EpyNNError, 'size');
    throwsWith(() => rs.setState({ bit_generator: 'MT19937', state: { key: [1], pos: 0 }, has_gauss: 0, gauss: 0 }), EpyNNError, 'key', '624');
  });
});

describe("numpyRng's sized draws", () => {
  test('random / uniform / standardNormal / normal / integers with size: NDArrays of the shape, the same draws as the ...Array methods', async () => {
    const { numpyRng } = await import('../../src/commons/numpy_rng.js');
    const a = numpyRng(5);
    const b = numpyRng(5);
    const u = a.uniform(-1, 2, [2, 3]);
    expect(u).toBeInstanceOf(NDArray);
    expect(u.shape).toEqual([2, 3]);
    expect(Array.from(u.data)).toEqual(Array.from(b.uniformArray(-1, 2, 6)));
    expect(Array.from(a.normal(1, 0.5, 4).data)).toEqual(Array.from(b.normalArray(1, 0.5, 4)));
    expect(Array.from(a.standardNormal(3).data)).toEqual(Array.from(b.standardNormalArray(3)));
    expect(Array.from(a.random([1, 2]).data)).toEqual(Array.from(b.randomArray(2)));
    expect(Array.from(a.integers(0, 10, 5).data)).toEqual(b.integersArray(0, 10, 5));
    expect(a.integers(7, null, [2, 2]).shape).toEqual([2, 2]);
    expect(typeof a.normal()).toBe('number');
    throwsWith(() => a.normal(0, 1, [-1]), EpyNNError, 'numpyRng.normal', 'size');
  });
});
