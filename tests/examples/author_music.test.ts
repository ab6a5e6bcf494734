// author_music: the WAV reader (and its errors), the clip/digitize/resample step against a plain
// reference, and training on small generated WAV files of two "authors". No test touches the network.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Wav, clipsMusic, encodeWav, parseWav, prepareDataset, readMusicFolder, writeSyntheticMusic,
} from '../../examples/author_music/prepare_dataset.js';
import { example, run } from '../../examples/author_music/train.js';
import { fakeFetcher, forbidNetwork, makeTar, tempDir } from './helpers.js';

forbidNetwork();
const root = tempDir('music');
// Small clips for speed: 0.1 s resampled to 1 kHz = 100 levels per clip
const small = { time: 0.1, samplingRate: 1000 };
const musicDir = writeSyntheticMusic(join(root, 'music'), { filesPerAuthor: 3, seconds: 4, sampleRate: 8000 });

/** A WAV header + data with arbitrary format fields (for the error cases). */
function rawWav(format: number, channels: number, bits: number, dataBytes = 8): Buffer {
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(format, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(8000 * channels * (bits / 8), 28);
  b.writeUInt16LE(channels * (bits / 8), 32);
  b.writeUInt16LE(bits, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(dataBytes, 40);
  return b;
}

/** np.digitize(x, [i/15 for i in range(16)], right=True), written the obvious way. */
const digitizeRef = (x: number): number => {
  for (let i = 0; i < 16; i++) if (x <= i / 15) return i;
  return 16;
};

describe('author_music WAV reading', () => {
  it('reads PCM 16-bit mono and stereo (stereo is downmixed to the channel mean)', () => {
    const mono = parseWav(encodeWav([0, 0.5, -0.5, 1, -1], 8000, 1), 'mono.wav');
    expect(mono.sampleRate).toBe(8000);
    expect(mono.channels).toBe(1);
    expect(Array.from(mono.samples)) // Math.round(-16383.5) is -16383
      .toEqual([0, 16384, -16383, 32767, -32767]);
    const stereo = encodeWav([0.25, -1], 16000, 2);
    stereo.writeInt16LE(100, 44 + 2); // right channel of frame 0
    const s = parseWav(stereo, 'stereo.wav');
    expect(s.channels).toBe(2);
    expect(Array.from(s.samples)).toEqual([(8192 + 100) / 2, -32767]);
  });

  it('refuses other formats with a clear error', () => {
    expect(() => parseWav(Buffer.from('not a wav file at all'), 'x.wav')).toThrow('author_music: x.wav: not a WAV file (no RIFF/WAVE header)');
    expect(() => parseWav(rawWav(1, 1, 8), 'u8.wav')).toThrow('author_music: u8.wav: only PCM 16-bit WAV is supported, got PCM 8-bit');
    expect(() => parseWav(rawWav(3, 1, 32), 'f.wav')).toThrow('author_music: f.wav: only PCM 16-bit WAV is supported, got IEEE float 32-bit');
    expect(() => parseWav(rawWav(1, 1, 24, 9), 'i24.wav')).toThrow(/only PCM 16-bit WAV is supported, got PCM 24-bit/);
    expect(() => parseWav(rawWav(1, 6, 16, 24), 'surround.wav')).toThrow('author_music: surround.wav: only mono or stereo WAV is supported, got 6 channels');
    expect(() => parseWav(rawWav(1, 1, 16).subarray(0, 36), 'cut.wav')).toThrow('author_music: cut.wav: no data chunk');
  });
});

describe('author_music clips', () => {
  it('scales as EpyNN, digitizes into 16 levels, resamples and cuts whole clips (vs a plain reference)', () => {
    const rate = 4000;
    const samples = Float64Array.from({ length: 3 * rate + 123 }, (_, i) => Math.round(20000 * Math.sin(i / 7) * Math.cos(i / 300)) - 3000);
    const wav: Wav = { sampleRate: rate, channels: 1, samples };
    const clips = clipsMusic(wav, 0.5, 1000);
    // 3.03 s -> 6 clips of 0.5 s; step 4: 500 kept values per clip
    expect(clips.length).toBe(6);
    const min = Math.min(...samples);
    const shifted = Array.from(samples, (v) => v + Math.abs(min));
    const max = Math.max(...shifted);
    const levels = shifted.map((v) => digitizeRef(v / max)).filter((_, i) => i % 4 === 0);
    clips.forEach((c, k) => expect(Array.from(c)).toEqual(levels.slice(k * 500, (k + 1) * 500)));
    const all = shifted.map((v) => digitizeRef(v / max));
    expect([Math.min(...all), Math.max(...all)]).toEqual([0, 15]); // the scaled recording spans [0, 1]
  });

  it('refuses a recording slower than the resampling rate, and a silent one', () => {
    const wav: Wav = { sampleRate: 8000, channels: 1, samples: new Float64Array(8000).fill(3) };
    expect(() => clipsMusic(wav, 1, 10000, 'slow.wav')).toThrow('author_music: slow.wav: sample rate 8000 Hz is below the 10000 Hz to resample to');
    wav.samples.fill(0);
    expect(() => clipsMusic(wav, 1, 1000, 'silence.wav')).toThrow(/silence\.wav: the recording is silent/);
  });

  it('labels clips by folder ("true" = author 0) and needs both authors', () => {
    const { clips, labels, files } = readMusicFolder(musicDir, small);
    expect(files).toBe(6);
    expect(clips.length).toBe(6 * 40);
    expect(clips[0].length).toBe(100);
    expect(labels.filter((y) => y === 0).length).toBe(120); // true/ sorts after false/
    expect(labels.slice(0, 120).every((y) => y === 1)).toBe(true);
    const one = join(root, 'one', 'true');
    mkdirSync(one, { recursive: true });
    writeFileSync(join(one, 'a.wav'), encodeWav(Array.from({ length: 2000 }, (_, i) => Math.sin(i)), 8000));
    expect(() => readMusicFolder(join(root, 'one'), small)).toThrow(/all clips under .* have label 0/);
    expect(() => readMusicFolder(join(root, 'nowhere'))).toThrow(/data folder .*nowhere does not exist/);
    mkdirSync(join(root, 'empty'), { recursive: true });
    expect(() => readMusicFolder(join(root, 'empty'))).toThrow(/no \.wav files under/);
  });

  it('prepares a seeded, truncated shuffle', () => {
    const a = prepareDataset(50, 1, musicDir, small);
    expect(a.X.length).toBe(50);
    expect(a.X[0].length).toBe(100);
    expect(prepareDataset(50, 1, musicDir, small).Y).toEqual(a.Y);
    expect(prepareDataset(50, 2, musicDir, small).Y).not.toEqual(a.Y);
    expect(new Set(a.Y)).toEqual(new Set([0, 1]));
  });
});

describe('author_music training', () => {
  it.each([
    ['dense', 6],
    ['rnn', 6],
    ['gru', 8],
  ])('the %s variant learns to tell the two authors apart from WAV files', async (variant, epochs) => {
    const model = await run({ variant, dataDir: musicDir, samples: 200, epochs, quiet: true, ...small });
    expect(model.embedding.d.e).toBe(16); // one-hot over the 16 levels
    const val = model.metrics.accuracy[1];
    expect(val[val.length - 1]).toBeGreaterThan(0.85);
  }, 60_000);

  it('runs offline without data (synthetic WAV bytes in memory), and from a (fake) download', async () => {
    const offline = await run({ samples: 48, epochs: 1, quiet: true, ...small });
    expect(offline.embedding.dtrain.X.shape).toEqual([32, 100, 16]);

    const wav = (author: string, i: number): Buffer => encodeWav(Array.from({ length: 16000 }, (_, t) => (author === 'true' ? 0.5 : 1) * Math.sin(t / (3 + i))), 8000);
    const fetcher = fakeFetcher(makeTar({ 'data/true/a.wav': wav('true', 0), 'data/false/b.wav': wav('false', 1) }));
    const cacheDir = join(root, 'cache');
    const model = await run({ download: true, cacheDir, fetcher, samples: 40, epochs: 1, quiet: true, ...small });
    expect(fetcher.calls).toEqual(['https://synthase.s3.us-west-2.amazonaws.com/author_music.tar']);
    expect(model.embedding.dtrain.X.shape[0] + model.embedding.dval.X.shape[0]).toBe(40);
  }, 60_000);

  it('lists its variants and rejects an unknown one', async () => {
    expect(Object.keys(example.variants)).toEqual(['dense', 'rnn', 'gru', 'epynnlive']);
    await expect(run({ variant: 'lstm', quiet: true })).rejects.toThrow("author_music: unknown variant 'lstm' (known: dense, rnn, gru, epynnlive)");
  });
});
