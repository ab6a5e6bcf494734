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
}

interface StdoutLike {
  write(s: string): boolean;
  isTTY?: boolean;
}

/** The default output: process.stdout in Node, console.log elsewhere. */
export function defaultOutput(): Output {
  const stdout = (globalThis as { process?: { stdout?: StdoutLike } }).process?.stdout;
  if (stdout && typeof stdout.write === 'function') {
    const tty = Boolean(stdout.isTTY);
    let pending = false; // a redrawn line is on screen
    return {
      tty,
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

/** An output that collects lines into an array (for tests and logs). */
export function memoryOutput(lines: string[] = []): Output & { lines: string[] } {
  return { tty: false, lines, line: (t) => void lines.push(t), redraw: (t) => void lines.push(t) };
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

/** Python's '{:.2e}'.format(v). */
export function sci(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const [m, e] = v.toExponential(2).split('e');
  const n = Number(e);
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** A number rounded for reports (at most `d` decimals). */
export function fixed(v: number, d = 3): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toFixed(d)));
}
