// Loads the golden fixtures written by the reference NumPy EpyNN (tests/fixtures/epynn, schema in
// tests/fixtures/README.md). Arrays `{shape, data}` become NDArrays; string arrays stay raw.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NDArray } from '../../src/commons/ndarray.js';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'epynn');

/** A fixture array with string data (dtype "str"). */
export interface StrArray {
  shape: number[];
  data: string[];
  dtype: 'str';
}

const num = (v: unknown): number => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number));

function convert(v: unknown): any {
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return num(v);
  if (Array.isArray(v)) return v.map(convert);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.shape) && Array.isArray(o.data) && Object.keys(o).every((k) => ['shape', 'data', 'dtype'].includes(k))) {
      if (o.dtype === 'str') return o as unknown as StrArray;
      return new NDArray(Float64Array.from((o.data as unknown[]).map(num)), o.shape as number[]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = convert(x);
    return out;
  }
  return v;
}

/** Reads one fixture with arrays converted to NDArray. */
export function loadFixture(name: string): any {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  return convert(JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')));
}

/** Fixture file names (without .json) starting with `prefix`. */
export function fixtureNames(prefix: string): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Fixture X_data as the user would pass it: nested strings for dtype str, an NDArray otherwise. */
export function fixtureX(x: any): any {
  if (x.dtype !== 'str') return x;
  const [n, s] = x.shape;
  return Array.from({ length: n }, (_, i) => x.data.slice(i * s, (i + 1) * s));
}
