// Examples on hostile options and data files (issue 22): numbers are checked and named, unknown
// variants and bad data files are EpyNNError subclasses naming the file and what is wrong, and an
// example that reads no data refuses a data folder instead of ignoring it. Nothing here trains.
import { describe, expect, it } from 'vitest';
import { parseWav } from '../../examples/author_music/prepare_dataset.js';
import { parseIdxImages, parseIdxLabels } from '../../examples/captcha_mnist/prepare_dataset.js';
import { examples } from '../../examples/index.js';
import { DataFileError } from '../../examples/types.js';
import { EpyNNError, NonFiniteError } from '../../src/index.js';

const rejects = async (f: () => unknown, type: abstract new (...a: never[]) => Error, message: string): Promise<void> => {
  let err: unknown;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  expect(err, message).toBeInstanceOf(type);
  expect((err as Error).message).toBe(message);
};

describe('example options', () => {
  it('every example checks samples, epochs and seed, naming the option', async () => {
    for (const [name, ex] of Object.entries(examples)) {
      await rejects(() => ex.run({ samples: NaN, quiet: true }), NonFiniteError, `${name}: samples must be a positive integer, got NaN`);
      await rejects(() => ex.run({ samples: 1.5, quiet: true }), EpyNNError, `${name}: samples must be a positive integer, got 1.5`);
      await rejects(() => ex.run({ samples: -5, quiet: true }), EpyNNError, `${name}: samples must be a positive integer, got -5`);
      await rejects(() => ex.run({ epochs: 1e20, quiet: true }), EpyNNError, `${name}: epochs must be a positive integer, got 100000000000000000000`);
      await rejects(() => ex.run({ seed: -1, quiet: true }), EpyNNError, `${name}: seed must be a non-negative integer, got -1`);
      await rejects(() => ex.run({ quiet: 'yes' as never }), EpyNNError, `${name}: quiet must be true or false, got yes`);
    }
  });

  it('an unknown variant is an EpyNNError naming the known ones (also a name from Object.prototype)', async () => {
    await rejects(() => examples.dummy_image.run({ variant: 'constructor', quiet: true }), EpyNNError, "dummy_image: unknown variant 'constructor' (known: conv, dense, dropout, epynnlive)");
    await rejects(() => examples.dummy_boolean.run({ variant: 'mlp', quiet: true }), EpyNNError, "dummy_boolean: unknown variant 'mlp' (known: perceptron, epynnlive)");
    await rejects(() => examples.captcha_mnist.run({ variant: 'toString', quiet: true }), EpyNNError, "captcha_mnist: unknown variant 'toString' (known: conv, batchnorm, dropout, adam, epynnlive)");
  });

  it('an example that reads no data refuses a data folder and a download', async () => {
    await rejects(() => examples.dummy_image.run({ variant: 'epynnlive', dataDir: '/tmp', quiet: true }), EpyNNError, "dummy_image: the epynnlive variant reads one data file (FILE.json), got '/tmp'");
    for (const name of ['dummy_boolean', 'dummy_image', 'dummy_string', 'dummy_time', 'custom_layer']) {
      await rejects(() => examples[name].run({ dataDir: '/tmp', quiet: true }), EpyNNError, `${name}: reads no data files (it generates its samples), so it takes no dataDir (--data); got '/tmp' (the epynnlive variant reads a FILE.json)`);
      await rejects(() => examples[name].run({ download: true, quiet: true }), EpyNNError, `${name}: reads no data files (it generates its samples), so there is nothing to download`);
    }
  });
});

describe('bad data files', () => {
  const idx = (n: number, rows: number, cols: number, body = 0): Buffer => {
    const b = Buffer.alloc(16 + body);
    b.writeUInt32BE(0x803, 0);
    b.writeUInt32BE(n, 4);
    b.writeUInt32BE(rows, 8);
    b.writeUInt32BE(cols, 12);
    return b;
  };
  it('an IDX file announcing more than it holds (2^31 images in 16 bytes) is a DataFileError naming the file', () => {
    const t0 = Date.now();
    expect(() => parseIdxImages(idx(2 ** 31, 28, 28), 'train-images-idx3-ubyte')).toThrow(
      new DataFileError('captcha_mnist: train-images-idx3-ubyte: truncated IDX file: header announces 2147483648 images of 28x28 (1683627180048 bytes), file has 16'),
    );
    expect(Date.now() - t0).toBeLessThan(500);
    expect(() => parseIdxImages(idx(2, 28, 28, 100), 'img')).toThrow(DataFileError);
    expect(() => parseIdxLabels(Buffer.alloc(4), 'lab')).toThrow(new DataFileError('captcha_mnist: lab: malformed IDX header: 4 bytes, a label file needs an 8-byte header'));
  });

  const wav = (dataSize: number, dataBytes: number): Buffer => {
    const b = Buffer.alloc(44 + dataBytes);
    b.write('RIFF', 0, 'latin1');
    b.writeUInt32LE(36 + dataBytes, 4);
    b.write('WAVEfmt ', 8, 'latin1');
    b.writeUInt32LE(16, 16);
    b.writeUInt16LE(1, 20); // PCM
    b.writeUInt16LE(1, 22); // mono
    b.writeUInt32LE(8000, 24);
    b.writeUInt32LE(16000, 28);
    b.writeUInt16LE(2, 32);
    b.writeUInt16LE(16, 34);
    b.write('data', 36, 'latin1');
    b.writeUInt32LE(dataSize, 40);
    return b;
  };
  it('WAV chunk sizes larger than the file are DataFileErrors naming the file (not a "silent" recording)', () => {
    expect(() => parseWav(wav(4_000_000_000, 10), 'song.wav')).toThrow(new DataFileError('author_music: song.wav: truncated WAV file: the data chunk announces 4000000000 bytes, the file holds 10 after its header'));
    expect(() => parseWav(wav(0xffffffff, 0), 'empty.wav')).toThrow(new DataFileError('author_music: empty.wav: the data chunk holds no sample (it announces 4294967295 bytes, the file holds 0 after its header)'));
    expect(parseWav(wav(0xffffffff, 8), 'streamed.wav').samples).toHaveLength(4); // a streamed file: what it holds
    expect(parseWav(wav(8, 8), 'ok.wav').samples).toHaveLength(4);
    expect(() => parseWav(Buffer.from('RIFF....WAVE'), 'short.wav')).toThrow(new DataFileError('author_music: short.wav: no fmt chunk'));
  });
});
