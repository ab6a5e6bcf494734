// Resident arrays (layer buffers in the WebAssembly memory) are given back when a layer drops them,
// not only when they are garbage collected: a worker thread's heap may go uncollected while its
// WebAssembly memory grows (issue 22: RSS growing with 2 threads).
import { expect, test } from 'vitest';
import { Dense } from '../../src/dense/models.js';
import { activeBackend, kernelArray, releaseKernelArray, selectBackend, wasmKernels } from '../../src/kernels/backend.js';

test('a released resident array gives its block back at once (once)', () => {
  const before = activeBackend();
  try {
    if (!selectBackend('wasm') || wasmKernels()?.shared !== true) {
      // no shared WebAssembly memory here: kernelArray gives ordinary arrays, release is a no-op
      const a = kernelArray(10);
      releaseKernelArray(a);
      expect(a.length).toBe(10);
      return;
    }
    const rt = wasmKernels()!;
    const a = kernelArray(1000);
    expect(rt.addressOf(a)).toBeGreaterThan(0);
    const at = a.byteOffset;
    expect(rt.releaseArray(a)).toBe(true);
    expect(rt.releaseArray(a)).toBe(false); // twice: nothing (the block is not freed twice)
    expect(rt.releaseArray(new Float64Array(1000))).toBe(false); // not a resident array
    const b = kernelArray(1000);
    expect(b.byteOffset).toBe(at); // the same block, reused at once
    expect([...b.subarray(0, 5)]).toEqual([0, 0, 0, 0, 0]);
    // A layer cycling through more output sizes than it keeps reuses blocks instead of growing memory
    const layer = new Dense({ units: 3 });
    layer.reuseOutputs = true;
    const top = (): number => rt.memory.buffer.byteLength;
    for (let round = 0; round < 3; round++) for (let m = 1; m <= 12; m++) layer.outputArray('A', [m, 1000]);
    const grown = top();
    for (let round = 0; round < 50; round++) for (let m = 1; m <= 12; m++) layer.outputArray('A', [m, 1000]);
    expect(top()).toBe(grown);
  } finally {
    selectBackend(before);
  }
});
