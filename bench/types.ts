// Shared types of the benchmark.

export interface BenchOptions {
  quick: boolean;
  /** Timed samples per measurement (≥ 5). */
  runs: number;
  warmup: number;
  /** Include the peers from bench/peers/node_modules. */
  peers: boolean;
  /** Thread counts to time the training cases with (--threads; default 1 and 2). */
  threads: number[];
  /** The --case filters (lower case; =NAME exact), for peers that time several of our cases. */
  filters: string[];
}

/** One line of the results table. */
export interface Row {
  /** Case name, e.g. 'conv S3 fwd+bwd'. */
  case: string;
  /** Our median ms per call. */
  ours?: number;
  /** Reference median ms per call, and what the reference is. */
  ref?: number;
  refKind?: string;
  /** Floating-point operations per call (matrix products only), for GFLOP/s. */
  flops?: number;
  /** Samples per call, for samples/s. */
  samples?: number;
  /** Target text and whether it is met (undefined: no target). */
  target?: string;
  met?: boolean;
  note?: string;
  /** Kernel backend and threads the row was measured with ('pytorch': the PyTorch peer). */
  backend?: 'js' | 'wasm' | 'pytorch';
  /** Floating-point type of the numbers (default float64). */
  dtype?: 'float64' | 'float32';
  threads?: number;
  /** wasm rows: the js row's time over this one (same case, same run). */
  vsJs?: number;
}

export interface BenchCase {
  /** Name matched by --case (substring, case-insensitive). */
  name: string;
  /** Always run in a fresh process (memory measurements must not see the other cases' heap). */
  isolated?: boolean;
  run(opts: BenchOptions): Promise<Row[]>;
}
