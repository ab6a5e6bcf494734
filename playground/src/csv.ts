// Your own data from a CSV file: numeric feature columns and one label column. The separator (comma,
// semicolon or tab) and a header row are detected; the label column is the one named label, class,
// target or y, else the last. Every problem is an error naming the row (1-based, as an editor shows it)
// and the column.

/** A CSV read into features and labels. */
export interface CsvData {
  /** Feature values, row-major (n, f), each column scaled to [0, 1] by its min and max. */
  X: Float64Array;
  n: number;
  features: string[];
  /** Label index per row; `classes[Y[i]]` is the label as written. */
  Y: number[];
  classes: string[];
  labelColumn: string;
  header: boolean;
}

/** A problem in the file, with where it is. */
export class CsvError extends Error {}

const LABEL_NAMES = ['label', 'class', 'target', 'y', 'species', 'category'];

function splitLine(line: string, sep: string): string[] {
  // quoted cells ("a, b") are kept whole; "" inside quotes is a quote
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur.trim() === '') quoted = true;
    else if (c === sep) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

const isNumber = (s: string): boolean => s !== '' && Number.isFinite(Number(s));

/** Parses a CSV text (`name` is the file name, for the messages). */
export function parseCsv(text: string, name = 'the CSV'): CsvData {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const rows: { line: number; cells: string[] }[] = [];
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const sep = [',', ';', '\t'].map((c) => [c, first.split(c).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  lines.forEach((l, i) => {
    if (l.trim() !== '' && !l.trimStart().startsWith('#')) rows.push({ line: i + 1, cells: splitLine(l, sep) });
  });
  if (rows.length === 0) throw new CsvError(`${name} is empty`);
  const width = rows[0].cells.length;
  if (width < 2) throw new CsvError(`${name}: row ${rows[0].line} has ${width} column; expected at least one feature column and a label column (separated by , ; or a tab)`);
  // A header: the first row has a cell that is not a number where the second row has a number
  const second = rows[1]?.cells ?? [];
  const header = rows[0].cells.some((c, j) => !isNumber(c) && isNumber(second[j] ?? ''));
  const names = header ? rows[0].cells.map((c, j) => c || `column ${j + 1}`) : rows[0].cells.map((_, j) => `column ${j + 1}`);
  const data = header ? rows.slice(1) : rows;
  for (const r of data) {
    if (r.cells.length !== width) {
      throw new CsvError(`${name}: row ${r.line} has ${r.cells.length} cells, ${header ? 'the header' : `row ${rows[0].line}`} has ${width} (every row needs the same columns)`);
    }
  }
  if (data.length < 10) throw new CsvError(`${name}: ${data.length} data rows; at least 10 are needed (a fifth of them is held out for validation)`);
  let label = names.findIndex((c) => LABEL_NAMES.includes(c.toLowerCase()));
  if (label < 0) label = width - 1;
  const features = names.filter((_, j) => j !== label);
  const f = features.length;
  const X = new Float64Array(data.length * f);
  const raw: string[] = [];
  data.forEach((r, i) => {
    let k = 0;
    r.cells.forEach((c, j) => {
      if (j === label) {
        if (c === '') throw new CsvError(`${name}: row ${r.line} has no label (column '${names[label]}' is empty)`);
        raw.push(c);
        return;
      }
      if (!isNumber(c)) throw new CsvError(`${name}: row ${r.line}, column '${names[j]}': '${c}' is not a number (feature columns must be numeric)`);
      X[i * f + k++] = Number(c);
    });
  });
  const classes = [...new Set(raw)].sort((a, b) => (isNumber(a) && isNumber(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
  if (classes.length < 2) throw new CsvError(`${name}: every row has the label '${classes[0]}' in column '${names[label]}'; at least two classes are needed to learn anything`);
  if (classes.length > 50) throw new CsvError(`${name}: column '${names[label]}' has ${classes.length} different labels; at most 50 classes (is it the label column? name it 'label')`);
  const index = new Map(classes.map((c, i) => [c, i]));
  // each feature column scaled to [0, 1] by its min and max (a constant column becomes 0)
  for (let k = 0; k < f; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      lo = Math.min(lo, X[i * f + k]);
      hi = Math.max(hi, X[i * f + k]);
    }
    for (let i = 0; i < data.length; i++) X[i * f + k] = hi > lo ? (X[i * f + k] - lo) / (hi - lo) : 0;
  }
  return { X, n: data.length, features, Y: raw.map((c) => index.get(c)!), classes, labelColumn: names[label], header };
}
