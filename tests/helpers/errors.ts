import { expect } from 'vitest';

/** Asserts that `f` throws an error of `type` whose message contains (or matches) every one of `parts`. */
export function throwsWith(f: () => unknown, type: abstract new (...args: never[]) => Error, ...parts: (string | RegExp)[]): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'should throw').toBeInstanceOf(type);
  for (const p of parts) expect((err as Error).message).toMatch(p);
}
