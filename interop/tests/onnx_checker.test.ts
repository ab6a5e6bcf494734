// Every ONNX export passes ONNX's own checker with full_check (shape inference included), run by
// Debian's python3-onnx.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toONNX } from '../../src/index.js';
import { run as dummyTime } from '../../examples/dummy_time/train.js';
import { onnxOnlyZoo, zoo } from '../../tests/io/export_models.js';
import { python, script } from './python.js';

const CHECK_PY = String.raw`
import sys, onnx
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print('ok', path)
    except Exception as err:
        print('FAILED', path, type(err).__name__, str(err).replace('\n', ' ')[:300])
`;

describe('onnx.checker.check_model(full_check=True) accepts every ONNX export', () => {
  it('the export zoo (every layer kind and activation) and a trained RNN with softmax temperature', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epynn-onnx-check-'));
    const models = Object.entries({ ...zoo, ...onnxOnlyZoo }).map(([name, make]) => [name, make()] as const);
    models.push(['dummy_time_rnn', dummyTime({ variant: 'rnn', epochs: 1, samples: 64, quiet: true })]);
    const files = models.map(([name, m]) => {
      const f = join(dir, `${name}.onnx`);
      writeFileSync(f, toONNX(m));
      return f;
    });
    const lines = python([script('check.py', CHECK_PY), ...files]).trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('ok ')).join('\n')).toBe('');
    expect(lines.length).toBe(files.length);
    rmSync(dir, { recursive: true, force: true });
  });
});
