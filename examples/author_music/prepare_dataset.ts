// Guitar clips by author (EpyNN epynnlive/author_music/prepare_dataset.py). Node only.
// Real loading path: WAV files (PCM 16-bit, mono or stereo) under DIR/<folder>/*.wav; a clip is
// labeled 0 (the true author) when its path inside DIR contains "true", else 1. Each file is scaled to
// [0, 1], digitized into 16 levels, resampled to ~10 kHz and cut into clips of 1 s.
// Offline fallback: synthetic "authors" written as real WAV bytes and read back through the same path.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Rng, seededRng } from '../../src/index.js';
import { type Fetcher, defaultCacheDir, downloadDataset, isCached, listFiles } from '../download.js';
import { DataFileError } from '../types.js';

/** EpyNN's download location (a .tar holding data/<true|false>/*.wav). */
export const MUSIC_URL = 'https://synthase.s3.us-west-2.amazonaws.com/author_music.tar';

/** Decoded WAV: 16-bit samples, stereo downmixed to mono. */
export interface Wav {
  sampleRate: number;
  channels: number;
  /** One value per frame, in the int16 range (stereo: the mean of the two channels). */
  samples: Float64Array;
}

const FORMATS: Record<number, string> = { 1: 'PCM', 3: 'IEEE float', 6: 'A-law', 7: 'mu-law', 0xfffe: 'extensible' };

/** Parses a RIFF/WAVE file; only PCM 16-bit mono or stereo is accepted (clear error otherwise). */
export function parseWav(buf: Buffer, source = 'wav'): Wav {
  const where = `author_music: ${source}`;
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new DataFileError(`${where}: not a WAV file (no RIFF/WAVE header)`);
  }
  let fmt: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new DataFileError(`${where}: malformed fmt chunk (${size} bytes)`);
      if (size > buf.length - body) throw new DataFileError(`${where}: truncated WAV file: the fmt chunk announces ${size} bytes, the file holds ${buf.length - body} after its header`);
      let format = buf.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE: the real format code opens the sub-format GUID
      if (format === 0xfffe && size >= 40 && body + 26 <= buf.length) format = buf.readUInt16LE(body + 24);
      fmt = {
        format,
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        blockAlign: buf.readUInt16LE(body + 12),
        bits: buf.readUInt16LE(body + 14),
      };
      if (fmt.format !== 1 || fmt.bits !== 16) {
        throw new DataFileError(`${where}: only PCM 16-bit WAV is supported, got ${FORMATS[fmt.format] ?? `format ${fmt.format}`} ${fmt.bits}-bit`);
      }
      if (fmt.channels !== 1 && fmt.channels !== 2) throw new DataFileError(`${where}: only mono or stereo WAV is supported, got ${fmt.channels} channels`);
      if (fmt.sampleRate === 0) throw new DataFileError(`${where}: sample rate is 0`);
    } else if (id === 'data') {
      if (!fmt) throw new DataFileError(`${where}: data chunk before the fmt chunk`);
      const { channels, blockAlign, sampleRate } = fmt;
      const frameBytes = blockAlign || 2 * channels;
      // Writers that stream may leave the size unset (0 or 0xFFFFFFFF): read what the file holds;
      // any other size must fit in the file
      const held = buf.length - body;
      const streamed = size === 0 || size === 0xffffffff;
      if (!streamed && size > held) throw new DataFileError(`${where}: truncated WAV file: the data chunk announces ${size} bytes, the file holds ${held} after its header`);
      const frames = Math.floor(Math.min(streamed ? held : size, held) / frameBytes);
      if (frames === 0) throw new DataFileError(`${where}: the data chunk holds no sample (it announces ${size} bytes, the file holds ${held} after its header)`);
      const samples = new Float64Array(frames);
      for (let i = 0; i < frames; i++) {
        const o = body + i * frameBytes;
        samples[i] = channels === 1 ? buf.readInt16LE(o) : (buf.readInt16LE(o) + buf.readInt16LE(o + 2)) / 2;
      }
      return { sampleRate, channels, samples };
    }
    off = body + size + (size & 1); // chunks are padded to an even size
  }
  throw new DataFileError(`${where}: ${fmt ? 'no data chunk' : 'no fmt chunk'}`);
}

/** PCM 16-bit WAV bytes of `samples` (values in [-1, 1]); stereo duplicates the channel. */
export function encodeWav(samples: ArrayLike<number>, sampleRate: number, channels: 1 | 2 = 1): Buffer {
  const n = samples.length;
  const buf = Buffer.alloc(44 + n * 2 * channels);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + n * 2 * channels, 4);
  buf.write('WAVEfmt ', 8, 'latin1');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2 * channels, 28);
  buf.writeUInt16LE(2 * channels, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(n * 2 * channels, 40);
  for (let i = 0; i < n; i++) {
    const v = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767)));
    for (let c = 0; c < channels; c++) buf.writeInt16LE(v, 44 + (i * channels + c) * 2);
  }
  return buf;
}

/**
 * Clips of one recording (EpyNN clips_music): scale to [0, 1] as EpyNN does ((x + |min x|) / max),
 * digitize into 16 levels (np.digitize with right=True over bins i/15: level 0..15), keep every
 * ⌊rate / SAMPLING_RATE⌋-th value, and cut ⌊duration / TIME⌋ clips of ⌊SAMPLING_RATE · TIME⌋ values.
 */
export function clipsMusic(wav: Wav, TIME = 1, SAMPLING_RATE = 10000, source = 'wav'): Uint8Array[] {
  const { samples, sampleRate } = wav;
  // Number of features describing a sample
  const N_FEATURES = Math.trunc(SAMPLING_RATE * TIME);
  // Step for re-sampling
  const step = Math.trunc(sampleRate / SAMPLING_RATE);
  if (step < 1) throw new DataFileError(`author_music: ${source}: sample rate ${sampleRate} Hz is below the ${SAMPLING_RATE} Hz to resample to`);
  if (N_FEATURES < 1) throw new DataFileError(`author_music: a clip of ${TIME} s at ${SAMPLING_RATE} Hz has no sample`);
  let min = Infinity;
  for (const v of samples) if (v < min) min = v;
  const shift = Math.abs(min);
  let max = -Infinity;
  for (const v of samples) if (v + shift > max) max = v + shift;
  if (!(max > 0)) throw new DataFileError(`author_music: ${source}: the recording is silent (or empty): cannot scale it`);
  const bins = Array.from({ length: 16 }, (_, i) => i / 15);
  // Resampled and digitized (only the kept values are digitized: the result is the same)
  const kept = Math.ceil(samples.length / step);
  const levels = new Uint8Array(kept);
  for (let i = 0; i < kept; i++) {
    const x = (samples[i * step] + shift) / max;
    let k = Math.min(15, Math.max(0, Math.ceil(x * 15)));
    while (k > 0 && x <= bins[k - 1]) k--; // right=True: smallest k with x <= bins[k]
    while (k < 15 && x > bins[k]) k++;
    levels[i] = k;
  }
  // Number of clips from the total duration (s) of the recording
  const N_CLIPS = Math.trunc(samples.length / sampleRate / TIME);
  const clips: Uint8Array[] = [];
  for (let i = 0; i < N_CLIPS && (i + 1) * N_FEATURES <= kept; i++) clips.push(levels.subarray(i * N_FEATURES, (i + 1) * N_FEATURES));
  return clips;
}

export interface MusicClipOptions {
  /** Clip duration in seconds. @default 1 */
  time?: number;
  /** Resampling rate in Hz. @default 10000 */
  samplingRate?: number;
}

/** Clips and labels of every WAV file under `dir` (sorted paths; label 0 when the path holds "true"). */
export function readMusicFolder(dir: string, { time = 1, samplingRate = 10000 }: MusicClipOptions = {}): { clips: Uint8Array[]; labels: number[]; files: number } {
  if (!existsSync(dir)) throw new DataFileError(`author_music: data folder ${dir} does not exist`);
  const files = listFiles(dir).filter((f) => f.toLowerCase().endsWith('.wav'));
  if (files.length === 0) throw new DataFileError(`author_music: no .wav files under ${dir} (expected e.g. ${dir}/true/*.wav and ${dir}/false/*.wav)`);
  const clips: Uint8Array[] = [];
  const labels: number[] = [];
  for (const f of files) {
    // Clip is positive if played by the true author (0) else negative (1)
    const label = f.includes('true') ? 0 : 1;
    for (const c of clipsMusic(parseWav(readFileSync(join(dir, f)), f), time, samplingRate, f)) {
      clips.push(c);
      labels.push(label);
    }
  }
  if (clips.length === 0) throw new DataFileError(`author_music: the .wav files under ${dir} are shorter than one clip (${time} s)`);
  if (new Set(labels).size < 2) {
    throw new DataFileError(`author_music: all clips under ${dir} have label ${labels[0]}: put the true author's files in a path containing "true" and the others elsewhere`);
  }
  return { clips, labels, files: files.length };
}

/**
 * One synthetic recording of `seconds` s at `rate` Hz: plucked notes (a few harmonics with a decaying
 * envelope, a new note every 0.2-0.5 s). Author "true" plays clean; author "false" plays overdriven
 * (hard-clipped), so the two differ in their distribution of levels as well as in their waveforms.
 */
export function synthesizeRecording(rng: Rng, author: 'true' | 'false', seconds: number, rate: number, blurred = false): Float64Array {
  const out = new Float64Array(Math.round(seconds * rate));
  let t = 0;
  // blurred: the overdriven author's drive varies from none (1x: as clean as the other author) to mild
  // (1.6x), and both play over a noise floor: the classes overlap, so the task is not solved in one epoch
  // (the offline default of the example). Every note still starts at full level, so every clip holds the
  // 16 levels.
  const noise = blurred ? 0.05 : 0;
  while (t < out.length) {
    const volume = 1;
    const drive = blurred ? 1 + 0.6 * rng.uniform() : 6;
    const len = Math.round((0.2 + 0.3 * rng.uniform()) * rate);
    const f0 = 82 * 2 ** ((rng.uniform() * 24) / 12); // E2 to E4
    const phase = rng.uniform() * 2 * Math.PI;
    for (let i = 0; i < len && t + i < out.length; i++) {
      const s = i / rate;
      const env = Math.exp(-s * 4);
      let v = 0.6 * Math.sin(2 * Math.PI * f0 * s + phase) + 0.25 * Math.sin(4 * Math.PI * f0 * s) + 0.1 * Math.sin(6 * Math.PI * f0 * s);
      v *= env * volume;
      out[t + i] = (author === 'true' ? 0.8 * v : Math.max(-0.8 * volume, Math.min(0.8 * volume, drive * v))) + noise * (2 * rng.uniform() - 1);
    }
    t += len;
  }
  return out;
}

export interface SyntheticMusicOptions {
  /** Recordings per author. @default 4 */
  filesPerAuthor?: number;
  /** Seconds per recording. @default 8 */
  seconds?: number;
  /** WAV sample rate. @default 22050 */
  sampleRate?: number;
  /** Write every other file as stereo. @default true */
  stereo?: boolean;
  seed?: number;
}

/** Writes synthetic WAV files DIR/true/*.wav and DIR/false/*.wav; returns DIR. */
export function writeSyntheticMusic(dir: string, { filesPerAuthor = 4, seconds = 8, sampleRate = 22050, stereo = true, seed = 1 }: SyntheticMusicOptions = {}): string {
  const rng = seededRng(`author_music:synthetic:${seed}`);
  for (const author of ['true', 'false'] as const) {
    mkdirSync(join(dir, author), { recursive: true });
    for (let i = 0; i < filesPerAuthor; i++) {
      const rec = synthesizeRecording(rng, author, seconds, sampleRate);
      writeFileSync(join(dir, author, `${author}_${i}.wav`), encodeWav(rec, sampleRate, stereo && i % 2 === 1 ? 2 : 1));
    }
  }
  return dir;
}

/** Downloads EpyNN's guitar archive into the cache (only when asked: `--download`). */
export async function downloadMusic(cacheDir = defaultCacheDir('author_music'), fetcher?: Fetcher): Promise<string> {
  return downloadDataset({ url: MUSIC_URL, cacheDir, fetcher });
}

/** Which folder to read: --data DIR, else a completed download in the cache, else undefined (synthetic). */
export function musicFolder(dataDir?: string, cacheDir = defaultCacheDir('author_music')): string | undefined {
  if (dataDir !== undefined) return dataDir;
  return isCached(cacheDir) ? cacheDir : undefined;
}

/**
 * Resampling rate of the offline synthetic clips (Hz). EpyNN's 10,000 Hz gives 10,000 one-hot steps of
 * 16 levels per clip (1.3 MB per clip, 0.96 GB and minutes for the example); real WAVs (--data) keep it.
 */
export const SYNTHETIC_RATE = 1000;

/**
 * N_SAMPLES clips (sequences of 16 levels) and labels, shuffled with a seeded generator and truncated
 * (EpyNN prepare_dataset). `dir` undefined: synthetic recordings generated in memory, as WAV bytes.
 */
export function prepareDataset(
  N_SAMPLES = 256, seed = 1, dir?: string, clipOptions: MusicClipOptions = {},
): { X: number[][]; Y: number[]; source: string } {
  let data: { clips: Uint8Array[]; labels: number[] };
  let source: string;
  if (dir !== undefined) {
    const read = readMusicFolder(dir, clipOptions);
    data = read;
    source = `${read.files} WAV files in ${dir}`;
  } else {
    const rng = seededRng(`author_music:synthetic:${seed}`);
    const rate = 22050;
    const seconds = Math.max(1, Math.ceil(N_SAMPLES / 16) * (clipOptions.time ?? 1));
    data = { clips: [], labels: [] };
    for (const author of ['true', 'false'] as const) {
      for (let i = 0; i < 8; i++) {
        const wav = parseWav(encodeWav(synthesizeRecording(rng, author, seconds, rate, true), rate, i % 2 === 1 ? 2 : 1), `synthetic ${author}_${i}.wav`);
        // resampled to SYNTHETIC_RATE unless asked otherwise: 1,000 steps per clip instead of 10,000
        for (const c of clipsMusic(wav, clipOptions.time, clipOptions.samplingRate ?? SYNTHETIC_RATE)) {
          data.clips.push(c);
          data.labels.push(author === 'true' ? 0 : 1);
        }
      }
    }
    source = 'synthetic clean vs overdriven guitar tones (no real data: pass --data DIR or --download)';
  }
  const order = seededRng(`author_music:${seed}`).permutation(data.clips.length).slice(0, N_SAMPLES);
  return { X: order.map((i) => Array.from(data.clips[i])), Y: order.map((i) => data.labels[i]), source };
}
