// What every bundled example exports, so one command (and the tests) can run any of them.
import { type EpyNN, EpyNNError, NonFiniteError } from '../src/index.js';

export interface ExampleOptions {
  /** Training epochs (each example has its own default). */
  epochs?: number;
  /** Seed for the data generator and the model. @default 1 */
  seed?: number;
  /** Print nothing. @default false */
  quiet?: boolean;
  /** Which network of the example to train (see `variants`). */
  variant?: string;
  /** Number of samples to generate or load (each example has its own default). */
  samples?: number;
  /** Folder with the example's data files, for examples that read real data. */
  dataDir?: string;
  /** Fetch a real-data example's original dataset into datasets/<name>/ (network; never by default). */
  download?: boolean;
}

export interface Example {
  name: string;
  description: string;
  /** Network variants, the first being the default. */
  variants: Record<string, string>;
  /**
   * What `--data` names: a string for the examples that read data files in every variant (they also
   * take `--download`), or the variants that read one (e.g. `epynnlive`: a prepared .json file). Absent
   * for an example (or variant) that generates its data: the `epynn` command refuses `--data` there.
   */
  data?: string | Readonly<Record<string, string>>;
  run(options?: ExampleOptions): Promise<EpyNN> | EpyNN;
}

/** The option names every example takes (ExampleOptions). */
export const EXAMPLE_OPTIONS: readonly string[] = ['epochs', 'seed', 'quiet', 'variant', 'samples', 'dataDir', 'download'];
/** The options of the `epynnlive` variants (EpynnliveOptions). */
export const EPYNNLIVE_OPTIONS: readonly string[] = ['dataFile', 'modelPath'];

/**
 * A data file of an example (an IDX image file, a WAV recording, a JSON dataset, ...) cannot be read
 * or is malformed; the message names the file and what is wrong with it.
 */
export class DataFileError extends EpyNNError {
  override name = 'DataFileError';
}

/** Throws unless `v` (option `option` of `name`) is an integer >= min: NaN/±Infinity a NonFiniteError, else an EpyNNError. */
export function checkExampleInteger(name: string, option: string, v: unknown, min: number): number {
  const kind = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
  const shown = typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
  if (typeof v === 'number' && !Number.isFinite(v)) throw new NonFiniteError(`${name}: ${option} must be ${kind}, got ${shown}`);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new EpyNNError(`${name}: ${option} must be ${kind}, got ${shown}`);
  return v;
}

/**
 * Throws an EpyNNError naming the example for an option it does not take (a misspelt option would
 * otherwise be ignored): the options of every example plus `extra`; for a value of the wrong type or
 * range (`samples: NaN`, `samples: 1.5`, `epochs: -5`); and, for an example that reads no data files
 * (`readsData` false), for `download` and for `dataDir` (but a FILE.json for its epynnlive variant),
 * which it would otherwise ignore.
 */
export function checkExampleOptions(name: string, options: object | undefined, extra: readonly string[] = [], { readsData = false }: { readsData?: boolean } = {}): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new EpyNNError(`${name}: expected an options object such as { epochs: 10 }, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  const known = [...EXAMPLE_OPTIONS, ...extra];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new EpyNNError(`${name}: unknown option '${key}'; known: ${known.join(', ')}`);
  }
  const o = options as ExampleOptions;
  if (o.epochs !== undefined) checkExampleInteger(name, 'epochs', o.epochs, 1);
  if (o.samples !== undefined) checkExampleInteger(name, 'samples', o.samples, 1);
  if (o.seed !== undefined) checkExampleInteger(name, 'seed', o.seed, 0);
  for (const flag of ['quiet', 'download'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') throw new EpyNNError(`${name}: ${flag} must be true or false, got ${String(o[flag])}`);
  }
  if (o.variant !== undefined && typeof o.variant !== 'string') throw new EpyNNError(`${name}: variant must be a string, got ${String(o.variant)}`);
  if (o.dataDir !== undefined && (typeof o.dataDir !== 'string' || o.dataDir === '')) throw new EpyNNError(`${name}: dataDir must be a folder path, got ${String(o.dataDir)}`);
  if (!readsData && o.dataDir !== undefined) {
    // its epynnlive variant reads EpyNN's data from one JSON file (--data FILE.json), nothing else does
    if (o.variant === 'epynnlive' && !o.dataDir.toLowerCase().endsWith('.json')) throw new EpyNNError(`${name}: the epynnlive variant reads one data file (FILE.json), got '${o.dataDir}'`);
    if (o.variant !== 'epynnlive') throw new EpyNNError(`${name}: reads no data files (it generates its samples), so it takes no dataDir (--data); got '${o.dataDir}' (the epynnlive variant reads a FILE.json)`);
  }
  if (!readsData && o.download === true) throw new EpyNNError(`${name}: reads no data files (it generates its samples), so there is nothing to download`);
}

/** The error of an unknown variant, naming the known ones. */
export function unknownVariant(name: string, variant: unknown, known: readonly string[]): EpyNNError {
  return new EpyNNError(`${name}: unknown variant ${typeof variant === 'string' ? `'${variant}'` : String(variant)} (known: ${known.join(', ')})`);
}
