// PythonRandom (CPython's random.Random) and RandomState (NumPy's legacy generator) against what Python drew
// (tests/fixtures/random/sequences.json, written by tests/fixtures/random/generate.py): every case seeds a
// generator and replays the same calls; each block of 1000 calls must hash to Python's, tokens being the
// exact IEEE bits of floats and the decimal integers, and the final state must be Python's. Normal deviates
// use correctly rounded log/cos/sin: those cases match the replay of Python's own algorithm with correctly
// rounded functions (`blocksCR`), which the generator checked reproduces Python's draws with glibc's.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { NDArray } from '../../src/commons/ndarray.js';
import { PythonRandom, type PythonRandomState } from '../../src/commons/python_random.js';
import { RandomState, type RandomStateState } from '../../src/commons/random_state.js';

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'random', 'sequences.json');
interface Call { method: string; kind: 'float' | 'int'; args: any[]; kwargs: Record<string, any> }
interface Case {
  seed: any; calls: Call[]; n: number; head: string[]; blocks: string[]; state: string;
  /** Cases drawing normals: the draws with correctly rounded log/cos/sin (see generate.py). */
  headCR?: string[]; blocksCR?: string[]; stateCR?: string; libmDiffs?: number;
}
const fx = JSON.parse(readFileSync(FILE, 'utf8')) as {
  n: number; block: number; python_random: Case[]; random_state: Case[];
  python_state: { state: PythonRandomState; next: string[] }; numpy_state: { state: RandomStateState; next: string[] };
};

const view = new DataView(new ArrayBuffer(8));
function tokFloat(v: number): string {
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}
function tokens(kind: 'float' | 'int', v: unknown, out: string[]): void {
  if (v instanceof NDArray) for (const e of v.data) out.push(kind === 'float' ? tokFloat(e) : String(e));
  else if (Array.isArray(v)) for (const e of v) tokens(kind, e, out);
  else if (kind === 'float') out.push(tokFloat(v as number));
  else out.push(String(v));
}
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

function prepare(a: any): any {
  if (a !== null && typeof a === 'object' && 'range' in a) return Array.from({ length: a.range }, (_, i) => i);
  if (a !== null && typeof a === 'object' && 'arange' in a) {
    const n = (a.arange as number[]).reduce((x, y) => x * y, 1);
    return new NDArray(Float64Array.from({ length: n }, (_, i) => i), a.arange);
  }
  return a;
}

function replay(c: Case, call: (c: Call, args: any[]) => unknown): { head: string[]; blocks: string[] } {
  const head: string[] = [];
  const blocks: string[] = [];
  let block: string[] = [];
  for (let i = 0; i < c.n; i++) {
    for (const k of c.calls) {
      const args = k.args.map(prepare);
      const t: string[] = [];
      tokens(k.kind, call(k, args), t);
      block.push(...t);
      if (head.length < 8) head.push(...t.slice(0, 8 - head.length));
    }
    if ((i + 1) % fx.block === 0 || i === c.n - 1) {
      blocks.push(sha(block.join(',')).slice(0, 16));
      block = [];
    }
  }
  return { head, blocks };
}

const label = (c: Case): string =>
  `seed ${JSON.stringify(c.seed)}: ${c.calls.map((k) => `${k.method}(${[...k.args.map((a) => JSON.stringify(a)), ...Object.entries(k.kwargs).map(([x, y]) => `${x}=${JSON.stringify(y)}`)].join(', ')})`).join(' ')}`;

function pySeed(s: any): number | bigint {
  return typeof s === 'object' && s !== null ? BigInt(s.int) : s;
}

function pyCall(r: PythonRandom, k: Call, args: any[]): unknown {
  switch (k.method) {
    case 'getrandbits': return r.getrandbits(args[0]);
    case 'shuffle': return r.shuffle(args[0]);
    case 'choices': return r.choices(args[0], { k: k.kwargs.k, weights: k.kwargs.weights });
    case 'sample': return r.sample(args[0], args[1]);
    default: return (r as any)[k.method](...args);
  }
}

function pyStateHash(r: PythonRandom): string {
  const [, words, gauss] = r.getstate();
  return sha(words.join(',') + '|' + (gauss === null ? 'None' : tokFloat(gauss)));
}

function npCall(rs: RandomState, k: Call, args: any[]): unknown {
  const kw = k.kwargs;
  switch (k.method) {
    case 'random_sample': return kw.size === undefined ? rs.randomSample() : rs.randomSample(kw.size);
    case 'standard_normal': return kw.size === undefined ? rs.standardNormal() : rs.standardNormal(kw.size);
    case 'rand': return rs.rand(...args);
    case 'randn': return rs.randn(...args);
    case 'normal': return rs.normal(args[0], args[1], kw.size);
    case 'uniform': return rs.uniform(args[0], args[1], kw.size);
    case 'randint': return rs.randint(args[0], args[1], kw.size);
    case 'choice': return rs.choice(args[0], kw.size, kw.replace ?? true, kw.p);
    case 'shuffle': rs.shuffle(args[0]); return args[0];
    case 'permutation': return rs.permutation(args[0]);
    default: throw new Error(`no mapping for ${k.method}`);
  }
}

function npStateHash(rs: RandomState): string {
  const s = rs.getState();
  return sha(s.state.key.join(',') + '|' + s.state.pos + '|' + s.has_gauss + '|' + tokFloat(s.gauss));
}

describe('PythonRandom draws what CPython random.Random draws', () => {
  test.each(fx.python_random.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const r = new PythonRandom(pySeed(c.seed));
    const got = replay(c, (k, args) => pyCall(r, k, args));
    expect(got.head).toEqual(c.headCR ?? c.head);
    expect(got.blocks).toEqual(c.blocksCR ?? c.blocks);
    expect(pyStateHash(r)).toBe(c.stateCR ?? c.state);
  });

  test('setstate(Python getstate()) continues Python stream, gauss_next included', () => {
    const r = new PythonRandom(99);
    r.setstate(fx.python_state.state);
    const got = [...Array.from({ length: 5 }, () => tokFloat(r.random())), ...Array.from({ length: 5 }, () => tokFloat(r.gauss(0, 1)))];
    expect(got).toEqual(fx.python_state.next);
    const fresh = new PythonRandom(1);
    for (let i = 0; i < 3; i++) fresh.gauss(0, 1);
    expect(fresh.getstate()).toEqual(fx.python_state.state);
  });
});

describe('RandomState draws what NumPy legacy RandomState draws', () => {
  test.each(fx.random_state.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const rs = new RandomState(c.seed);
    const got = replay(c, (k, args) => npCall(rs, k, args));
    expect(got.head).toEqual(c.headCR ?? c.head);
    expect(got.blocks).toEqual(c.blocksCR ?? c.blocks);
    expect(npStateHash(rs)).toBe(c.stateCR ?? c.state);
  });

  test('setState(NumPy get_state()) continues NumPy stream, the cached gauss included', () => {
    const rs = new RandomState(5);
    rs.setState(fx.numpy_state.state);
    const got = [...Array.from({ length: 5 }, () => tokFloat(rs.standardNormal())), ...Array.from({ length: 5 }, () => tokFloat(rs.randomSample()))];
    expect(got).toEqual(fx.numpy_state.next);
    const fresh = new RandomState(1);
    for (let i = 0; i < 3; i++) fresh.standardNormal();
    expect(fresh.getState()).toEqual(fx.numpy_state.state);
  });
});
