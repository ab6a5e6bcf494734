// A row-major float64 n-dimensional array: a Float64Array plus a shape, with NumPy's names.
import { allocFloat64, checkOptions, checkShape, checkSize, show } from './checks.js';
import { EpyNNError, ShapeError } from '../errors.js';

/** An array shape: one length per axis, row-major (NumPy's `shape`). */
export type Shape = readonly number[];

/** Nested JS arrays of numbers, as `np.array` accepts them. */
export type Nested = number | boolean | readonly Nested[];

/** Number of elements of an array of this shape. */
export const size = (shape: Shape): number => {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
};

/** Formats a shape the way NumPy prints it: `(3, 4)`, `(2,)` or `()`. */
export const fmt = (shape: Shape): string =>
  shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;

/** True when two shapes are equal. */
export const sameShape = (a: Shape, b: Shape): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Row-major n-dimensional array of float64 (NumPy's default dtype). */
export class NDArray {
  readonly data: Float64Array;
  readonly shape: number[];

  /** Wraps `data` (no copy) with `shape`; throws ShapeError when the sizes disagree. */
  constructor(data: Float64Array, shape: Shape) {
    if (!(data instanceof Float64Array)) {
      throw new EpyNNError(`NDArray: data must be a Float64Array, got ${show(data)}`);
    }
    checkShape('NDArray', 'shape', shape);
    if (size(shape) !== data.length) {
      throw new ShapeError(`NDArray: cannot make an array of shape ${fmt(shape)} from ${data.length} values`);
    }
    this.data = data;
    this.shape = [...shape];
  }

  /** Number of dimensions (np.ndim). */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements (np.size). */
  get size(): number {
    return this.data.length;
  }

  /** Builds an array from nested JS arrays (`np.array(nested)`); ragged input is rejected. */
  static from(nested: Nested | NDArray): NDArray {
    return array(nested);
  }

  /** Back to nested JS arrays (`ndarray.tolist()`). */
  toNested(): Nested {
    return toNested(this);
  }

  /** Same data, new shape (no copy). */
  reshape(shape: Shape): NDArray {
    return reshape(this, shape);
  }

  /** A deep copy. */
  copy(): NDArray {
    return new NDArray(this.data.slice(), this.shape);
  }

  /**
   * One element, `a[i, j, ...]` in NumPy: one index per dimension; negative indices count from the
   * end, as in Python (`a.get(-1, 0)`).
   */
  get(...index: number[]): number {
    if (index.length !== this.ndim) {
      throw new ShapeError(`NDArray.get: expected ${this.ndim} indices for an array of shape ${fmt(this.shape)}, got ${index.length}`);
    }
    let k = 0;
    for (let ax = 0; ax < index.length; ax++) k = k * this.shape[ax] + normalizeIndex('NDArray.get', index[ax], ax, this.shape[ax]);
    return this.data[k];
  }

  /** Row i, `a[i]` in NumPy: a copy of shape shape[1:] (a number's array of shape () for 1-D input). */
  row(i: number): NDArray {
    if (this.ndim === 0) throw new ShapeError('NDArray.row: a 0-d array has no rows');
    const n = size(this.shape.slice(1));
    const r = normalizeIndex('NDArray.row', i, 0, this.shape[0]);
    return new NDArray(this.data.slice(r * n, (r + 1) * n), this.shape.slice(1));
  }

  /**
   * NumPy basic slicing, one argument per leading axis (the other axes are taken whole), as a copy:
   * a number selects one index and drops the axis (`a[2]`), `null` takes the whole axis (`a[:]`),
   * `[start, stop, step?]` a range with Python's rules (negative values count from the end, `null` for
   * a default, negative steps walk backwards). `a[:, 0]` → `a.slice(null, 0)`; `a[1:-1, ::2]` →
   * `a.slice([1, -1], [null, null, 2])`. Unlike NumPy's view, writing to the result leaves `a` unchanged.
   */
  slice(...index: SliceIndex[]): NDArray {
    return sliceArray(this, index);
  }

  /**
   * Assignment to an element, a row, a column or a slice: `a[i, j] = v` → `a.assign(v, i, j)`,
   * `mask[r] = zeros_like(f[0])` → `mask.assign(zerosLike(f.row(0)), r)`, `mask[:, c] = 0` →
   * `mask.assign(0, null, c)`, `a[1:3] = b` → `a.assign(b, [1, 3])`. The index is read as by `slice`; the
   * value is a number or an array broadcast to the selection (NumPy's rules). Writes in place, returns `this`.
   */
  assign(value: number | boolean | NDArray | Nested, ...index: SliceIndex[]): this {
    assignArray(this, index, value);
    return this;
  }

  /** The sum of all elements, or along `axis` (`a.sum()`, `a.sum(0)`). */
  sum(): number;
  sum(axis: number): NDArray;
  sum(axis?: number): number | NDArray {
    return reduceAxis(this, axis, 'NDArray.sum', (d, o, n, st) => {
      let t = 0;
      for (let i = 0; i < n; i++) t += d[o + i * st];
      return t;
    });
  }

  /** The mean of all elements, or along `axis` (NumPy's `mean`; NaN for an empty array, as NumPy). */
  mean(): number;
  mean(axis: number): NDArray;
  mean(axis?: number): number | NDArray {
    return reduceAxis(this, axis, 'NDArray.mean', (d, o, n, st) => {
      let t = 0;
      for (let i = 0; i < n; i++) t += d[o + i * st];
      return t / n;
    });
  }

  /** The largest element, or along `axis` (NaN propagates, as NumPy's `max`). */
  max(): number;
  max(axis: number): NDArray;
  max(axis?: number): number | NDArray {
    return reduceAxis(this, axis, 'NDArray.max', (d, o, n, st) => {
      if (n === 0) throw new EpyNNError('NDArray.max: zero-size array has no maximum');
      let m = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = d[o + i * st];
        if (v > m || Number.isNaN(v)) m = v;
        if (Number.isNaN(m)) break;
      }
      return m;
    });
  }

  /** The smallest element, or along `axis`. */
  min(): number;
  min(axis: number): NDArray;
  min(axis?: number): number | NDArray {
    return reduceAxis(this, axis, 'NDArray.min', (d, o, n, st) => {
      if (n === 0) throw new EpyNNError('NDArray.min: zero-size array has no minimum');
      let m = Infinity;
      for (let i = 0; i < n; i++) {
        const v = d[o + i * st];
        if (v < m || Number.isNaN(v)) m = v;
        if (Number.isNaN(m)) break;
      }
      return m;
    });
  }

  /** Element-wise `a == b` (a number or a broadcastable array): a BoolArray. */
  eq(b: number | NDArray | Nested): BoolArray {
    return compare(this, b, 'NDArray.eq', (x, y) => x === y);
  }
  /** Element-wise `a != b`. */
  ne(b: number | NDArray | Nested): BoolArray {
    return compare(this, b, 'NDArray.ne', (x, y) => x !== y);
  }
  /** Element-wise `a > b`. */
  gt(b: number | NDArray | Nested): BoolArray {
    return compare(this, b, 'NDArray.gt', (x, y) => x > y);
  }
  /** Element-wise `a >= b`. */
  ge(b: number | NDArray | Nested): BoolArray {
    return compare(this, b, 'NDArray.ge', (x, y) => x >= y);
  }
  /** Element-wise `a < b`. */
  lt(b: number | NDArray | Nested): BoolArray {
    return compare(this, b, 'NDArray.lt', (x, y) => x < y);
  }
  /** Element-wise `a <= b`. */
  le(b: number | NDArray | Nested): BoolArray {
    return compare(this, b, 'NDArray.le', (x, y) => x <= y);
  }

  /** Whether any element is non-zero (`np.any(a)`, `any(a != b)`). */
  any(): boolean {
    return this.data.some((v) => v !== 0);
  }

  /** Whether every element is non-zero (`np.all(a)`, `all(a == b)`). */
  all(): boolean {
    return this.data.every((v) => v !== 0);
  }

  /** The number of non-zero elements (`np.count_nonzero(a)`). */
  countNonzero(): number {
    let n = 0;
    for (const v of this.data) if (v !== 0) n++;
    return n;
  }

  /** NumPy's `str(a)` with its default print options: `[0.1 0.9]`, `[[1. 2.]\n [3. 4.]]`, `[ True False]`. */
  toString(): string {
    return arrayToString(this);
  }
}

/** The result of an element-wise comparison: 0/1 values that print as NumPy's booleans (`[ True False]`). */
export class BoolArray extends NDArray {}

/** `np.count_nonzero(a)`. */
export function countNonzero(a: NDArray | Nested): number {
  return asArray(a, 'countNonzero').countNonzero();
}

/** Broadcasts `b` to `shape` (NumPy's rules, `b` right-aligned, dimensions equal or 1); returns its data in `shape`'s order. */
function broadcastTo(where: string, b: NDArray, shape: readonly number[]): Float64Array {
  if (sameShape(b.shape, shape)) return b.data;
  const nd = shape.length;
  if (b.ndim > nd) throw new ShapeError(`${where}: cannot broadcast shape ${fmt(b.shape)} to ${fmt(shape)}`);
  const bs = [...Array(nd - b.ndim).fill(1), ...b.shape];
  for (let k = 0; k < nd; k++) {
    if (bs[k] !== shape[k] && bs[k] !== 1) throw new ShapeError(`${where}: cannot broadcast shape ${fmt(b.shape)} to ${fmt(shape)}`);
  }
  const strides = bs.map((_, k) => (bs[k] === 1 ? 0 : size(bs.slice(k + 1))));
  const out = new Float64Array(size(shape));
  const idx = new Array(nd).fill(0);
  for (let i = 0; i < out.length; i++) {
    let o = 0;
    for (let k = 0; k < nd; k++) o += idx[k] * strides[k];
    out[i] = b.data[o];
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

function compare(a: NDArray, b: number | NDArray | Nested, where: string, f: (x: number, y: number) => boolean): BoolArray {
  if (typeof b === 'number' || typeof b === 'boolean') {
    const y = Number(b);
    return new BoolArray(Float64Array.from(a.data, (x) => (f(x, y) ? 1 : 0)), a.shape);
  }
  const B = asArray(b, where);
  // broadcast both ways: the result has the larger shape
  const [big, small, swap] = B.ndim > a.ndim || (B.ndim === a.ndim && B.size > a.size) ? [B, a, true] : [a, B, false];
  const s = broadcastTo(where, small, big.shape);
  return new BoolArray(Float64Array.from(big.data, (x, i) => (swap ? f(s[i], x) : f(x, s[i])) ? 1 : 0), big.shape);
}

type Reducer = (d: Float64Array, offset: number, n: number, stride: number) => number;

function reduceAxis(x: NDArray, axis: number | undefined, where: string, f: Reducer): number | NDArray {
  if (axis === undefined) return f(x.data, 0, x.size, 1);
  const ax = normalizeAxis(where, axis, x.ndim);
  const outer = size(x.shape.slice(0, ax));
  const n = x.shape[ax];
  const inner = size(x.shape.slice(ax + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[o * inner + i] = f(x.data, o * n * inner + i, n, inner);
  return new NDArray(out, [...x.shape.slice(0, ax), ...x.shape.slice(ax + 1)]);
}

function assignArray(x: NDArray, index: readonly SliceIndex[], value: number | boolean | NDArray | Nested): void {
  const where = 'NDArray.assign';
  if (index.length > x.ndim) throw new ShapeError(`${where}: too many indices (${index.length}) for an array of shape ${fmt(x.shape)}`);
  const picks: number[][] = [];
  const shape: number[] = [];
  x.shape.forEach((n, ax) => {
    const spec = ax < index.length ? index[ax] : null;
    if (typeof spec === 'number') picks.push([normalizeIndex(where, spec, ax, n)]);
    else if (spec === null || spec === undefined) {
      picks.push(Array.from({ length: n }, (_, i) => i));
      shape.push(n);
    } else if (Array.isArray(spec)) {
      const sel = sliceIndices(where, spec, ax, n);
      picks.push(sel);
      shape.push(sel.length);
    } else throw new EpyNNError(`${where}: axis ${ax} takes a number, null or [start, stop, step], got ${show(spec)}`);
  });
  let src: Float64Array | number;
  if (typeof value === 'number' || typeof value === 'boolean') src = Number(value);
  else src = broadcastTo(where, value instanceof NDArray ? value : asArray(value, where), shape);
  const strides = x.shape.map((_, ax) => size(x.shape.slice(ax + 1)));
  let k = 0;
  const walk = (ax: number, offset: number): void => {
    if (ax === picks.length) {
      x.data[offset] = typeof src === 'number' ? src : src[k++];
      return;
    }
    for (const i of picks[ax]) walk(ax + 1, offset + i * strides[ax]);
  };
  walk(0, 0);
}

/** The digits of v with at most `precision` decimals, shortest round-trip (NumPy's dragon4, unique, 'maxprec'). */
function positional(v: number, precision: number): string {
  let s = String(Math.abs(v));
  if (/e/.test(s)) s = Math.abs(v).toFixed(precision);
  const dot = s.indexOf('.');
  if (dot >= 0 && s.length - dot - 1 > precision) s = Math.abs(v).toFixed(precision).replace(/0+$/, '');
  if (!s.includes('.')) s += '.';
  return (v < 0 || Object.is(v, -0) ? '-' : '') + s;
}

/** Mantissa and exponent of v in NumPy's scientific style (shortest digits, at most `precision` decimals). */
function scientific(v: number, precision: number): [string, string] {
  let [m, e] = Math.abs(v).toExponential().split('e');
  if ((m.split('.')[1] ?? '').length > precision) [m, e] = Math.abs(v).toExponential(precision).replace(/0+e/, 'e').split('e');
  if (!m.includes('.')) m += '.';
  const n = Number(e);
  return [(v < 0 ? '-' : '') + m, `e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`];
}

/** NumPy's array2string with its default options (precision 8, threshold 1000, edgeitems 3, linewidth 75). */
function arrayToString(x: NDArray): string {
  const isBool = x instanceof BoolArray;
  const data = x.data;
  const summarize = x.size > 1000;
  const shown: number[] = [];
  // which values are printed (summarized arrays show 3 items at each end of every axis)
  const visit = (ax: number, offset: number): void => {
    if (ax === x.ndim) {
      shown.push(data[offset]);
      return;
    }
    const n = x.shape[ax];
    const st = size(x.shape.slice(ax + 1));
    const idx = summarize && n > 6 ? [0, 1, 2, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    for (const i of idx) visit(ax + 1, offset + i * st);
  };
  visit(0, 0);
  let fmtOne: (v: number) => string;
  if (isBool) fmtOne = (v) => (v ? ' True' : 'False');
  else {
    const finite = shown.filter((v) => Number.isFinite(v));
    const abs = finite.map(Math.abs).filter((v) => v !== 0);
    const mx = abs.length ? Math.max(...abs) : 0;
    const mn = abs.length ? Math.min(...abs) : 0;
    const sci = abs.length > 0 && (mx >= 1e8 || mn < 1e-4 || mx / mn > 1e3);
    const special = (v: number): string => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
    if (!sci || finite.length === 0) {
      const parts = finite.map((v) => positional(v, 8).split('.'));
      const left = Math.max(0, ...parts.map((p) => p[0].length));
      const right = Math.max(0, ...parts.map((p) => p[1].length));
      const width = left + 1 + right;
      fmtOne = (v) => {
        if (!Number.isFinite(v)) return special(v).padStart(width);
        const [a, b] = positional(v, 8).split('.');
        return a.padStart(left) + '.' + b.padEnd(right);
      };
    } else {
      const parts = finite.map((v) => scientific(v, 8));
      const left = Math.max(...parts.map(([m]) => m.split('.')[0].length));
      const right = Math.max(...parts.map(([m]) => m.split('.')[1].length));
      const ew = Math.max(...parts.map(([, e]) => e.length));
      fmtOne = (v) => {
        if (!Number.isFinite(v)) return special(v).padStart(left + 1 + right + ew);
        const [m, e] = scientific(v, 8);
        const [a, b] = m.split('.');
        return a.padStart(left) + '.' + b.padEnd(right) + e.slice(0, 2) + e.slice(2).padStart(ew - 2, '0');
      };
    }
  }
  if (x.ndim === 0) return fmtOne(data[0]).trim();
  const lineWidth = 75;
  const rec = (ax: number, offset: number, indent: string): string => {
    const n = x.shape[ax];
    const st = size(x.shape.slice(ax + 1));
    const cut = summarize && n > 6;
    const idx = cut ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    if (ax === x.ndim - 1) {
      const lines: string[] = [];
      let line = indent.slice(0, -1) + '[';
      let first = true;
      const close = ']'.repeat(x.ndim - ax);
      idx.forEach((i, j) => {
        const word = i < 0 ? '...' : fmtOne(data[offset + i * st]);
        const last = j === idx.length - 1;
        const sep = first ? '' : ' ';
        const room = lineWidth - (last ? close.length : 0);
        if (!first && line.length + sep.length + word.length > room) {
          lines.push(line.replace(/\s+$/, ''));
          line = indent + word;
        } else line += sep + word;
        first = false;
      });
      lines.push(line + ']');
      return lines.join('\n');
    }
    const blocks = idx.map((i) => (i < 0 ? indent + '...' : rec(ax + 1, offset + i * st, indent + ' ')));
    const sep = '\n'.repeat(x.ndim - ax - 1);
    const inner = blocks.map((b, j) => (j === 0 ? b.slice(indent.length) : b)).join(sep);
    return indent.slice(0, -1) + '[' + inner + ']';
  };
  const out = rec(0, 0, ' ');
  return out;
}

/** Shape of a nested array; throws on ragged input. */
function nestedShape(x: Nested, where: string): number[] {
  const shape: number[] = [];
  let cur: Nested = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  // Validate every branch has the same shape
  const check = (v: Nested, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new ShapeError(`${where}: ragged nested array at ${path || 'top'}: expected a number, got an array`);
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new EpyNNError(`${where}: expected numbers, got ${show(v)} at ${path || 'top'}`);
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      const got = Array.isArray(v) ? `length ${v.length}` : 'a number';
      throw new ShapeError(`${where}: ragged nested array at ${path || 'top'}: expected length ${shape[depth]}, got ${got}`);
    }
    for (let i = 0; i < v.length; i++) check(v[i], depth + 1, `${path}[${i}]`);
  };
  check(x, 0, '');
  return shape;
}

/** np.array: from nested arrays, an NDArray (copied) or a typed array with a shape. */
export function array(x: Nested | NDArray | ArrayLike<number>, shape?: Shape): NDArray {
  if (x instanceof NDArray) return shape ? reshape(x.copy(), shape) : x.copy();
  if (shape !== undefined) {
    return new NDArray(Float64Array.from(x as ArrayLike<number>), shape);
  }
  if (ArrayBuffer.isView(x)) {
    const data = Float64Array.from(x as ArrayLike<number>);
    return new NDArray(data, [data.length]);
  }
  const s = nestedShape(x as Nested, 'array');
  const data = new Float64Array(size(s));
  let k = 0;
  const fill = (v: Nested): void => {
    if (Array.isArray(v)) for (const e of v) fill(e);
    else data[k++] = Number(v);
  };
  fill(x as Nested);
  return new NDArray(data, s);
}

/** Nested JS arrays (ndarray.tolist()). A 0-d array gives a number. */
export function toNested(x: NDArray): Nested {
  const { data, shape } = x;
  if (shape.length === 0) return data[0];
  let k = 0;
  const build = (depth: number): Nested => {
    const n = shape[depth];
    const out: Nested[] = new Array(n);
    if (depth === shape.length - 1) for (let i = 0; i < n; i++) out[i] = data[k++];
    else for (let i = 0; i < n; i++) out[i] = build(depth + 1);
    return out;
  };
  return build(0);
}

/** A new zero-filled array of `shape` (np.zeros). The shape is checked (non-negative integers, at most MAX_ELEMENTS values). */
export function zeros(shape: Shape, where = 'zeros'): NDArray {
  return new NDArray(allocate(where, shape), shape);
}

/** A zero-filled Float64Array for `shape`, after checking the shape and its size (ShapeError naming `where`). */
function allocate(where: string, shape: Shape): Float64Array {
  checkShape(where, 'shape', shape);
  return allocFloat64(where, `an array of shape ${fmt(shape)}`, checkSize(where, 'an array', shape));
}

/** A new array of zeros with the shape of `x` (np.zeros_like). */
export function zerosLike(x: NDArray): NDArray {
  return zeros(x.shape);
}

/** A new array filled with `value` (np.full). */
export function full(shape: Shape, value: number): NDArray {
  if (typeof value !== 'number') throw new EpyNNError(`full: value must be a number, got ${show(value)}`);
  return new NDArray(allocate('full', shape).fill(value), shape);
}

/** A new array of ones (np.ones). */
export function ones(shape: Shape): NDArray {
  return full(shape, 1);
}

/** Same data, new shape (np.reshape of a contiguous array); one dimension may be -1. */
export function reshape(x: NDArray, shape: Shape): NDArray {
  const s = [...shape];
  const neg = s.indexOf(-1);
  if (neg >= 0) {
    const rest = size(s.filter((_, i) => i !== neg));
    s[neg] = rest === 0 ? 0 : x.data.length / rest;
  }
  if (size(s) !== x.data.length || s.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ShapeError(`reshape: cannot reshape array of size ${x.data.length} into shape ${fmt(shape)}`);
  }
  return new NDArray(x.data, s);
}

/** Element-wise f(x). */
export function map(x: NDArray, f: (v: number, i: number) => number): NDArray {
  const out = new Float64Array(x.data.length);
  const a = x.data;
  for (let i = 0; i < a.length; i++) out[i] = f(a[i], i);
  return new NDArray(out, x.shape);
}

function sameOrThrow(op: string, a: NDArray, b: NDArray): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new ShapeError(`${op}: operands could not be broadcast together with shapes ${fmt(a.shape)} ${fmt(b.shape)}`);
  }
}

/** Element-wise f(a, b) for arrays of the same shape. */
export function map2(a: NDArray, b: NDArray, f: (x: number, y: number) => number, op = 'map2'): NDArray {
  sameOrThrow(op, a, b);
  const out = new Float64Array(a.data.length);
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) out[i] = f(x[i], y[i]);
  return new NDArray(out, a.shape);
}

/** Element-wise a + b of two arrays of the same shape (a new array). */
export function add(a: NDArray, b: NDArray): NDArray {
  sameOrThrow('add', a, b);
  const out = a.data.slice();
  const y = b.data;
  for (let i = 0; i < out.length; i++) out[i] += y[i];
  return new NDArray(out, a.shape);
}

/** Element-wise a − b of two arrays of the same shape (a new array). */
export function sub(a: NDArray, b: NDArray): NDArray {
  sameOrThrow('subtract', a, b);
  const out = a.data.slice();
  const y = b.data;
  for (let i = 0; i < out.length; i++) out[i] -= y[i];
  return new NDArray(out, a.shape);
}

/** Element-wise a × b of two arrays of the same shape (a new array). */
export function mul(a: NDArray, b: NDArray): NDArray {
  sameOrThrow('multiply', a, b);
  const out = a.data.slice();
  const y = b.data;
  for (let i = 0; i < out.length; i++) out[i] *= y[i];
  return new NDArray(out, a.shape);
}

/** a · s for a scalar s. */
export function scale(a: NDArray, s: number): NDArray {
  const out = a.data.slice();
  for (let i = 0; i < out.length; i++) out[i] *= s;
  return new NDArray(out, a.shape);
}

/** Sum of all elements. */
export function sum(a: NDArray): number {
  let s = 0;
  const x = a.data;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/** np.sum(x, axis=0) for an (m, ...rest) array -> (...rest). */
export function sumAxis0(x: NDArray): NDArray {
  if (x.ndim === 0) throw new ShapeError('sumAxis0: a 0-d array has no axis 0 (expected shape (m, ...), got ())');
  const m = x.shape[0];
  const rest = x.shape.slice(1);
  const n = size(rest);
  const out = new Float64Array(n);
  const a = x.data;
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) out[j] += a[o + j];
  }
  return new NDArray(out, rest);
}

/** 2-D transpose (m, n) -> (n, m). */
export function transpose(x: NDArray): NDArray {
  if (x.ndim !== 2) throw new ShapeError(`transpose: expected a 2-D array, got shape ${fmt(x.shape)}`);
  const [m, n] = x.shape;
  const out = new Float64Array(m * n);
  const a = x.data;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j];
  return new NDArray(out, [n, m]);
}

/** np.argmax(x, axis=1) for a 2-D array -> (m,). Ties take the first index, as NumPy does. */
export function argmax(x: NDArray): NDArray {
  if (x.ndim !== 2) throw new ShapeError(`argmax: expected a 2-D array, got shape ${fmt(x.shape)}`);
  const [m, k] = x.shape;
  const out = new Float64Array(m);
  const a = x.data;
  for (let i = 0; i < m; i++) {
    let best = 0;
    let bv = a[i * k];
    for (let j = 1; j < k; j++) {
      const v = a[i * k + j];
      if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return new NDArray(out, [m]);
}

/** np.dot for 2-D arrays: (m, n) · (n, u) -> (m, u). */
export function dot(a: NDArray, b: NDArray): NDArray {
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new ShapeError(`dot: expected 2-D arrays, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  const [m, n] = a.shape;
  const [n2, u] = b.shape;
  if (n !== n2) {
    throw new ShapeError(`dot: shapes ${fmt(a.shape)} and ${fmt(b.shape)} not aligned: ${n} (dim 1) != ${n2} (dim 0)`);
  }
  const out = new Float64Array(m * u);
  const A = a.data;
  const B = b.data;
  for (let i = 0; i < m; i++) {
    const oi = i * u;
    for (let k = 0; k < n; k++) {
      const aik = A[i * n + k];
      const bk = k * u;
      for (let j = 0; j < u; j++) out[oi + j] += aik * B[bk + j];
    }
  }
  return new NDArray(out, [m, u]);
}

/** np.around (half to even) of one number, as EpyNN's metrics and predict use it. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  // Math.round rounds half up; fix exact halves to the even neighbour
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// ---------------------------------------------------------------------------------------------
// Indexing and data preparation (NumPy's indexing, stack, concatenate, expand_dims, linspace, arange)

/** One axis of `NDArray.slice`: an index, `null` (the whole axis) or `[start, stop, step?]`. */
export type SliceIndex = number | null | readonly [number | null, (number | null)?, (number | null)?];

/** Index i on an axis of size n, negative counting from the end; throws when out of bounds. */
function normalizeIndex(where: string, i: number, axis: number, n: number): number {
  if (!Number.isInteger(i)) throw new EpyNNError(`${where}: indices must be integers, got ${show(i)} for axis ${axis}`);
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) throw new EpyNNError(`${where}: index ${i} is out of bounds for axis ${axis} with size ${n}`);
  return j;
}

/** The indices a Python slice start:stop:step selects on an axis of size n. */
function sliceIndices(where: string, spec: readonly (number | null | undefined)[], axis: number, n: number): number[] {
  const [start, stop, step = 1] = spec;
  const st = step ?? 1;
  for (const v of [start, stop, st]) {
    if (v !== null && v !== undefined && !Number.isInteger(v)) throw new EpyNNError(`${where}: slice bounds must be integers or null, got ${show(v)} for axis ${axis}`);
  }
  if (st === 0) throw new EpyNNError(`${where}: slice step cannot be zero (axis ${axis})`);
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  const bound = (v: number | null | undefined, dflt: number, lo: number, hi: number): number =>
    v === null || v === undefined ? dflt : clamp(v < 0 ? v + n : v, lo, hi);
  const out: number[] = [];
  if (st > 0) {
    const b = bound(start, 0, 0, n);
    const e = bound(stop, n, 0, n);
    for (let i = b; i < e; i += st) out.push(i);
  } else {
    const b = bound(start, n - 1, -1, n - 1);
    const e = bound(stop, -1, -1, n - 1);
    for (let i = b; i > e; i += st) out.push(i);
  }
  return out;
}

function sliceArray(x: NDArray, index: readonly SliceIndex[]): NDArray {
  const where = 'NDArray.slice';
  if (index.length > x.ndim) throw new ShapeError(`${where}: too many indices (${index.length}) for an array of shape ${fmt(x.shape)}`);
  const picks: number[][] = []; // selected indices per axis
  const shape: number[] = [];
  x.shape.forEach((n, ax) => {
    const spec = ax < index.length ? index[ax] : null;
    if (typeof spec === 'number') picks.push([normalizeIndex(where, spec, ax, n)]);
    else if (spec === null || spec === undefined) {
      picks.push(Array.from({ length: n }, (_, i) => i));
      shape.push(n);
    } else if (Array.isArray(spec)) {
      const sel = sliceIndices(where, spec, ax, n);
      picks.push(sel);
      shape.push(sel.length);
    } else throw new EpyNNError(`${where}: axis ${ax} takes a number, null or [start, stop, step], got ${show(spec)}`);
  });
  const strides = x.shape.map((_, ax) => size(x.shape.slice(ax + 1)));
  const out = new Float64Array(size(shape));
  let k = 0;
  const walk = (ax: number, offset: number): void => {
    if (ax === picks.length) {
      out[k++] = x.data[offset];
      return;
    }
    for (const i of picks[ax]) walk(ax + 1, offset + i * strides[ax]);
  };
  walk(0, 0);
  return new NDArray(out, shape);
}

const asArray = (x: NDArray | Nested, where: string): NDArray => {
  if (x instanceof NDArray) return x;
  if (typeof x === 'number' || typeof x === 'boolean' || Array.isArray(x)) return array(x);
  throw new EpyNNError(`${where}: expected an NDArray or nested arrays of numbers, got ${show(x)}`);
};

/** An axis in [-ndim, ndim) as a non-negative one. */
function normalizeAxis(where: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new EpyNNError(`${where}: axis ${String(axis)} is out of bounds for ${ndim} dimensions`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** np.concatenate(arrays, axis): joins arrays of the same shape except along `axis`. */
export function concatenate(arrays: readonly (NDArray | Nested)[], axis = 0): NDArray {
  const where = 'concatenate';
  if (!Array.isArray(arrays) || arrays.length === 0) throw new EpyNNError(`${where}: need at least one array to concatenate`);
  const xs = arrays.map((a) => asArray(a, where));
  const nd = xs[0].ndim;
  if (nd === 0) throw new ShapeError(`${where}: zero-dimensional arrays cannot be concatenated`);
  const ax = normalizeAxis(where, axis, nd);
  xs.forEach((x, i) => {
    if (x.ndim !== nd || x.shape.some((n, j) => j !== ax && n !== xs[0].shape[j])) {
      throw new ShapeError(`${where}: array ${i} has shape ${fmt(x.shape)}, which does not match ${fmt(xs[0].shape)} except along axis ${ax}`);
    }
  });
  const outer = size(xs[0].shape.slice(0, ax));
  const shape = [...xs[0].shape];
  shape[ax] = xs.reduce((s, x) => s + x.shape[ax], 0);
  const out = new Float64Array(size(shape));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const x of xs) {
      const chunk = size(x.shape.slice(ax)); // this array's block for one outer index
      out.set(x.data.subarray(o * chunk, (o + 1) * chunk), k);
      k += chunk;
    }
  }
  return new NDArray(out, shape);
}

/** np.expand_dims(a, axis): the same values with a new axis of size 1 at `axis` (negative counts from the end). */
export function expandDims(a: NDArray | Nested, axis: number): NDArray {
  const x = asArray(a, 'expandDims');
  const ax = normalizeAxis('expandDims', axis, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(ax, 0, 1);
  return new NDArray(x.data.slice(), shape);
}

/** np.stack(arrays, axis): joins arrays of the same shape along a new axis. */
export function stack(arrays: readonly (NDArray | Nested)[], axis = 0): NDArray {
  const where = 'stack';
  if (!Array.isArray(arrays) || arrays.length === 0) throw new EpyNNError(`${where}: need at least one array to stack`);
  const xs = arrays.map((a) => asArray(a, where));
  xs.forEach((x, i) => {
    if (!sameShape(x.shape, xs[0].shape)) throw new ShapeError(`${where}: all input arrays must have the same shape; array ${i} has ${fmt(x.shape)}, array 0 ${fmt(xs[0].shape)}`);
  });
  const ax = normalizeAxis(where, axis, xs[0].ndim + 1);
  return concatenate(xs.map((x) => expandDims(x, ax)), ax);
}

/**
 * np.linspace(start, stop, num, endpoint): `num` evenly spaced values from start to stop (stop
 * included unless `endpoint` is false), computed as NumPy does (start + i·step, the last set to stop).
 */
export function linspace(start: number, stop: number, num = 50, options?: { endpoint?: boolean }): NDArray {
  const { endpoint = true } = checkOptions('linspace', options, ['endpoint'], { call: 'linspace', lead: 'start, stop, num, ', primary: 'endpoint', example: 'false' });
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new EpyNNError(`linspace: start and stop must be finite numbers, got ${show(start)} and ${String(stop)}`);
  if (!Number.isInteger(num) || num < 0) throw new EpyNNError(`linspace: num must be a non-negative integer, got ${show(num)}`);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : NaN;
  const out = new Float64Array(num);
  for (let i = 0; i < num; i++) out[i] = div > 0 ? start + i * step : start;
  if (endpoint && num > 1) out[num - 1] = stop;
  return new NDArray(out, [num]);
}

/** np.arange(stop) or np.arange(start, stop, step): start, start + step, ... while before stop. */
export function arange(start: number, stop?: number, step = 1): NDArray {
  const [b, e] = stop === undefined ? [0, start] : [start, stop];
  for (const [k, v] of Object.entries({ start: b, stop: e, step })) {
    if (!Number.isFinite(v)) throw new EpyNNError(`arange: ${k} must be a finite number, got ${show(v)}`);
  }
  if (step === 0) throw new EpyNNError('arange: step cannot be zero');
  const n = Math.max(0, Math.ceil((e - b) / step));
  const out = new Float64Array(n);
  // As NumPy fills it: the first two values, then start + i·delta with delta = out[1] - out[0]
  if (n > 0) out[0] = b;
  if (n > 1) out[1] = b + step;
  const delta = n > 1 ? out[1] - out[0] : step;
  for (let i = 2; i < n; i++) out[i] = b + i * delta;
  return new NDArray(out, [n]);
}
