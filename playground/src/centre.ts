// MNIST-style preprocessing of a drawn digit (how the MNIST digits were made): the ink's bounding box is
// scaled, keeping its aspect ratio, so that its longer side is 20 pixels (grey levels by area averaging),
// then placed in a 28×28 field so that the centre of mass of the ink sits at the field's centre.

/**
 * `ink` holds `width × height` grey levels in [0, 1] (1 = ink), row-major. Returns 28 × 28 grey levels in
 * [0, 1], row-major (all zeros when nothing is drawn).
 */
export function centreDigit(ink: ArrayLike<number>, width: number, height: number, threshold = 0.05): Float64Array {
  if (ink.length !== width * height) throw new Error(`centreDigit: ink has ${ink.length} values, expected ${width} x ${height}`);
  const out = new Float64Array(28 * 28);
  // 1. Bounding box of the ink
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  // 2. Scale the box to fit 20 × 20 (source pixels per target pixel: s), averaging the area each target pixel covers
  const s = Math.max(bw, bh) / 20;
  const sw = Math.max(1, Math.round(bw / s));
  const sh = Math.max(1, Math.round(bh / s));
  const small = new Float64Array(sw * sh);
  for (let ty = 0; ty < sh; ty++) {
    const fy0 = y0 + ty * s;
    const fy1 = Math.min(y0 + bh, fy0 + s);
    for (let tx = 0; tx < sw; tx++) {
      const fx0 = x0 + tx * s;
      const fx1 = Math.min(x0 + bw, fx0 + s);
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(fy0); y < fy1; y++) {
        const wy = Math.min(y + 1, fy1) - Math.max(y, fy0);
        if (wy <= 0) continue;
        for (let x = Math.floor(fx0); x < fx1; x++) {
          const wx = Math.min(x + 1, fx1) - Math.max(x, fx0);
          if (wx <= 0) continue;
          sum += wx * wy * ink[y * width + x];
          area += wx * wy;
        }
      }
      small[ty * sw + tx] = area > 0 ? sum / area : 0;
    }
  }
  // 3. Centre of mass of the scaled ink, moved to (14, 14) (pixel centres at +0.5)
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = small[y * sw + x];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  const ox = Math.round(14 - cx / mass);
  const oy = Math.round(14 - cy / mass);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const X = x + ox;
      const Y = y + oy;
      if (X >= 0 && X < 28 && Y >= 0 && Y < 28) out[Y * 28 + X] = Math.min(1, small[y * sw + x]);
    }
  }
  return out;
}
