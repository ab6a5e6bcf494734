// Terminal output for reports (EpyNN commons/logs.py), without colours or third-party packages.
// Works in Node (process.stdout) and in browsers (console.log); never required for computation.

/** Where reports go. `redraw` rewrites the current line when the sink is a TTY. */
export interface Output {
  /** Prints one line. */
  line(text: string): void;
  /** Prints a progress line, over the previous one on a TTY. */
  redraw(text: string): void;
  /** Whether `redraw` really redraws in place. */
  readonly tty: boolean;
  /**
   * The width lines must fit in (the terminal's columns; 100 when unknown or not a terminal). Progress
   * lines are cut and notes wrapped to it; tables are printed whole.
   */
  readonly columns?: number;
}

/** The width used when the output does not say (not a terminal, a browser console). */
export const DEFAULT_COLUMNS = 100;

/** The columns of an output: its `columns` when a positive integer, else DEFAULT_COLUMNS. */
export function outputColumns(out: Output): number {
  const c = out.columns;
  return typeof c === 'number' && Number.isInteger(c) && c > 0 ? c : DEFAULT_COLUMNS;
}

/** A progress line cut to fit `columns` (a terminal would wrap it and break the redraw). */
export function fitLine(text: string, columns: number): string {
  return text.length < columns ? text : text.slice(0, Math.max(columns - 1, 1));
}

/** Text wrapped at spaces to lines of at most `columns` characters (a longer word stays whole on its line). */
export function wrapText(text: string, columns: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= columns) line += ' ' + word;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

interface StdoutLike {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** The default output: process.stdout in Node, console.log elsewhere. */
export function defaultOutput(): Output {
  const stdout = (globalThis as { process?: { stdout?: StdoutLike } }).process?.stdout;
  if (stdout && typeof stdout.write === 'function') {
    const tty = Boolean(stdout.isTTY);
    let pending = false; // a redrawn line is on screen
    return {
      tty,
      get columns() {
        return tty && typeof stdout.columns === 'number' && stdout.columns > 0 ? stdout.columns : DEFAULT_COLUMNS;
      },
      line(text: string) {
        if (pending) stdout.write('\n');
        pending = false;
        stdout.write(text + '\n');
      },
      redraw(text: string) {
        if (tty) {
          stdout.write('\r\x1b[2K' + text);
          pending = true;
        } else stdout.write(text + '\n');
      },
    };
  }
  return { tty: false, line: (t) => console.log(t), redraw: (t) => console.log(t) };
}

/** An output that prints nothing (quiet mode). */
export const silentOutput: Output = { tty: false, line() {}, redraw() {} };

/** An output that collects lines into an array (for tests and logs); `columns` defaults to 100. */
export function memoryOutput(lines: string[] = [], columns = DEFAULT_COLUMNS): Output & { lines: string[] } {
  return { tty: false, lines, columns, line: (t) => void lines.push(t), redraw: (t) => void lines.push(t) };
}

/** A table in tabulate's "pretty" style, cells centred. Multi-line cells are supported. */
export function table(rows: readonly (readonly unknown[])[], header = true): string {
  const cells = rows.map((r) => r.map((c) => String(c).split('\n')));
  const ncol = Math.max(...cells.map((r) => r.length));
  const width = Array.from({ length: ncol }, (_, j) => Math.max(1, ...cells.map((r) => Math.max(0, ...(r[j] ?? ['']).map((l) => l.length)))));
  const sep = '+' + width.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const centre = (s: string, w: number): string => {
    const left = Math.floor((w - s.length) / 2);
    return ' '.repeat(left) + s + ' '.repeat(w - s.length - left);
  };
  const out = [sep];
  cells.forEach((r, i) => {
    const h = Math.max(...r.map((c) => c.length));
    for (let k = 0; k < h; k++) out.push('| ' + width.map((w, j) => centre((r[j] ?? [])[k] ?? '', w)).join(' | ') + ' |');
    if (i === 0 && header) out.push(sep);
  });
  out.push(sep);
  return out.join('\n');
}

/** Python's '{:.2e}'.format(v): correctly rounded, half to even on the exact binary value (`1.125` → `1.12e+00`). */
export function sci(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  let [m, e] = v.toExponential(2).split('e'); // exact, but an exact tie goes away from zero
  const n = Number(e);
  if (v !== 0 && Number(m[m.length - 1]) % 2 === 1) {
    // a tie: |v| * 10^(2-n) is an odd multiple of 1/2 (checked exactly on v = mant * 2^ex)
    const { m: mant, e: ex } = decompose(v);
    const k = 2 - n;
    const num = BigInt(mant) * 2n ** BigInt(Math.max(ex, 0)) * 10n ** BigInt(Math.max(k, 0)) * 2n;
    const den = 2n ** BigInt(Math.max(-ex, 0)) * 10n ** BigInt(Math.max(-k, 0));
    if (num % den === 0n && (num / den) % 2n === 1n) {
      const neg = m.startsWith('-');
      const digits = (BigInt(m.replace('-', '').replace('.', '')) - 1n).toString();
      m = `${neg ? '-' : ''}${digits[0]}.${digits.slice(1)}`;
    }
  }
  if (Object.is(v, -0)) m = '-' + m;
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** The binary exponent e and integer mantissa m of a finite non-zero double, |x| = m * 2^e. */
function decompose(x: number): { m: number; e: number } {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, Math.abs(x));
  const hi = v.getUint32(0);
  const lo = v.getUint32(4);
  const bexp = hi >>> 20;
  const frac = (hi & 0xfffff) * 4294967296 + lo;
  return bexp === 0 ? { m: frac, e: -1074 } : { m: frac + 4503599627370496, e: bexp - 1075 };
}

/** The number of trailing zero bits of a positive integer < 2^53. */
function twoAdic(m: number): number {
  let k = 0;
  while (m % 2 === 0) {
    m /= 2;
    k++;
  }
  return k;
}

/**
 * Python's `'%.{d}f' % round(v, d)`: v rounded to d decimals, half to even on its exact binary value
 * (`0.5625` → `'0.562'`, `0.0625` → `'0.062'`), with Python's `-0.000`, `nan`, `inf`.
 */
export function pyFixed(v: number, d = 3): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Math.abs(v) >= 1e21) return pyRepr(v);
  let s = v.toFixed(d); // exact, but an exact tie goes away from zero
  if (v !== 0) {
    const { m, e } = decompose(v);
    // |v| * 10^d = m * 5^d * 2^(e+d) is an odd multiple of 1/2 iff the 2-adic valuation of m, plus d, is -e-1
    if (e < 0 && twoAdic(m) + d === -e - 1 && Number(s[s.length - 1]) % 2 === 1) {
      const neg = s.startsWith('-');
      const digits = BigInt(s.replace('-', '').replace('.', '')) - 1n;
      let t = digits.toString().padStart(d + 1, '0');
      t = d > 0 ? `${t.slice(0, t.length - d)}.${t.slice(t.length - d)}` : t;
      s = (neg ? '-' : '') + t;
    }
  }
  if (Object.is(v, -0) || (v < 0 && !s.startsWith('-'))) s = '-' + s;
  return s;
}

/** Python's `round(v, d)` for a float: the double nearest the decimal v rounded half to even. */
export function pyRound(v: number, d = 0): number {
  if (!Number.isFinite(v)) return v;
  return Number(pyFixed(v, d));
}

/** Python's `round(v)` (no digits): the nearest integer, half to even, as a number without a negative zero. */
export function pyRoundInt(v: number): number {
  return pyRound(v, 0) + 0;
}

/** Python's `repr(float)` (also `str` and `'%s'`): shortest round-trip digits, `1.0`, `1e-05`, `1e+16`, `nan`. */
export function pyRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mant, exp] = v.toExponential().split('e'); // shortest round-trip digits
  const e = Number(exp);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (e < -4 || e >= 16) {
    out = (digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits) + `e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  } else if (e < 0) out = `0.${'0'.repeat(-e - 1)}${digits}`;
  else if (digits.length <= e + 1) out = `${digits}${'0'.repeat(e + 1 - digits.length)}.0`;
  else out = `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
  return (neg ? '-' : '') + out;
}

/** A number rounded for reports (at most `d` decimals). */
export function fixed(v: number, d = 3): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toFixed(d)));
}
