// The playground's MNIST-style preprocessing of a drawn digit (playground/src/centre.ts): the ink's bounding
// box scaled to 20 pixels on its longer side, centred by centre of mass in 28 × 28.
import { describe, expect, test } from 'vitest';
import { centreDigit } from '../../playground/src/centre.js';

/** A W × H canvas with the rectangle [x0, x1) × [y0, y1) inked. */
function canvas(W: number, H: number, x0: number, x1: number, y0: number, y1: number): Float64Array {
  const ink = new Float64Array(W * H);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * W + x] = 1;
  return ink;
}

function box(img: Float64Array): { x0: number; x1: number; y0: number; y1: number; cx: number; cy: number } {
  let [x0, y0, x1, y1, m, cx, cy] = [28, 28, -1, -1, 0, 0, 0];
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = img[y * 28 + x];
      if (v > 0) [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      m += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  return { x0, x1, y0, y1, cx: cx / m, cy: cy / m };
}

describe('centreDigit (playground drawing pad)', () => {
  test('a vertical bar drawn off-centre becomes 20 pixels tall, centred by its centre of mass', () => {
    const img = centreDigit(canvas(280, 280, 20, 50, 10, 210), 280, 280); // 30 × 200 in the top-left area
    const b = box(img);
    expect(b.y1 - b.y0 + 1).toBe(20); // the longer side is scaled to 20
    expect(b.x1 - b.x0 + 1).toBe(3); // 30 / 10 keeps the aspect ratio
    expect(Math.abs(b.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(b.cy - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...img)).toBe(1);
  });

  test('a blank canvas gives zeros; grey levels are averaged over the area of each target pixel', () => {
    expect(centreDigit(new Float64Array(100 * 100), 100, 100).every((v) => v === 0)).toBe(true);
    // a 40 × 40 square of half ink: scaled by 2, every target pixel averages 4 pixels of 0.5
    const ink = canvas(100, 100, 30, 70, 30, 70).map((v) => v * 0.5);
    const img = centreDigit(ink, 100, 100);
    const b = box(img);
    expect([b.x1 - b.x0 + 1, b.y1 - b.y0 + 1]).toEqual([20, 20]);
    expect(img.filter((v) => v > 0).every((v) => Math.abs(v - 0.5) < 1e-12)).toBe(true);
    expect([b.cx, b.cy]).toEqual([14, 14]);
  });

  test('the ink size must match the canvas', () => {
    expect(() => centreDigit(new Float64Array(10), 4, 4)).toThrow(/ink has 10 values, expected 4 x 4/);
  });
});
