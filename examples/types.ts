// What every bundled example exports, so one command (and the tests) can run any of them.
import type { EpyNN } from '../src/index.js';

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
  run(options?: ExampleOptions): Promise<EpyNN> | EpyNN;
}
