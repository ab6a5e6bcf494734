// Your own data in the playground (playground/src/csv.ts): header and separator detected, the label
// column found, features scaled; every problem named with its row and column.
import { describe, expect, test } from 'vitest';
import { CsvError, parseCsv } from '../../playground/src/csv.js';

const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');

describe('parseCsv', () => {
  test('a header, string labels in the last column, features scaled to [0, 1] per column', () => {
    const text = `sepal,petal,species\n${rows(12, (i) => `${i},${10 + 2 * i},${i % 3 === 0 ? 'setosa' : 'virginica'}`)}`;
    const d = parseCsv(text, 'iris.csv');
    expect(d.header).toBe(true);
    expect(d.features).toEqual(['sepal', 'petal']);
    expect(d.labelColumn).toBe('species');
    expect(d.classes).toEqual(['setosa', 'virginica']);
    expect(d.n).toBe(12);
    expect(d.Y.slice(0, 4)).toEqual([0, 1, 1, 0]);
    expect([d.X[0], d.X[1], d.X[22], d.X[23]]).toEqual([0, 0, 1, 1]);
    expect(d.X[2]).toBeCloseTo(1 / 11, 15);
  });

  test('no header, semicolons, a label column named label in the middle, quoted cells, numeric labels sorted as numbers', () => {
    const text = rows(10, (i) => `${i};"${i % 2 ? 10 : 2}";${i * i}`);
    const d = parseCsv(text);
    expect(d.header).toBe(false);
    expect(d.labelColumn).toBe('column 3');
    const named = parseCsv(`a;label;b\n${rows(10, (i) => `${i};${i % 2 ? 10 : 2};${i}`)}`);
    expect(named.labelColumn).toBe('label');
    expect(named.classes).toEqual(['2', '10']);
    expect(named.features).toEqual(['a', 'b']);
  });

  test('problems name the row and the column', () => {
    const ok = rows(12, (i) => `${i},${i % 2}`);
    expect(() => parseCsv(`x,y\n${ok}\n1,2,3`, 'd.csv')).toThrow(new CsvError('d.csv: row 14 has 3 cells, the header has 2 (every row needs the same columns)'));
    expect(() => parseCsv(`x,y\n${ok}\nabc,1`, 'd.csv')).toThrow("d.csv: row 14, column 'x': 'abc' is not a number (feature columns must be numeric)");
    expect(() => parseCsv(`x,y\n${rows(12, (i) => `${i},a`)}`, 'd.csv')).toThrow("every row has the label 'a' in column 'y'");
    expect(() => parseCsv('x,y\n1,2', 'd.csv')).toThrow('1 data rows; at least 10');
    expect(() => parseCsv('', 'd.csv')).toThrow('d.csv is empty');
    expect(() => parseCsv(`x,y\n${ok}\n3,`, 'd.csv')).toThrow("row 14 has no label (column 'y' is empty)");
  });
});
