// What every bundled example exports, so one command (and the tests) can run any of them.
import { type EpyNN, EpyNNError } from '../src/index.js';

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
 * Throws an EpyNNError naming the example for an option it does not take (a misspelt option would
 * otherwise be ignored): the options of every example plus `extra`.
 */
export function checkExampleOptions(name: string, options: object | undefined, extra: readonly string[] = []): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new EpyNNError(`${name}: expected an options object such as { epochs: 10 }, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  const known = [...EXAMPLE_OPTIONS, ...extra];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new EpyNNError(`${name}: unknown option '${key}'; known: ${known.join(', ')}`);
  }
}
