/**
 * The `epynn` command as a function: `main(['run', 'dummy_image', '--epochs=2'])` does what
 * `npx epynn run dummy_image --epochs=2` does and returns the exit code.
 *
 * @example
 * ```js
 * import { main } from 'epynn-ts/cli';
 * ```
 * @module epynn-ts/cli
 */
// The `epynn` command: list, run and copy the bundled examples (EpyNN's `epynn` copies its live
// examples). Started by bin/epynn.js from the compiled dist/cli/main.js, which runs the examples compiled
// to dist/examples (scripts/build-examples.mjs); from the sources (tests, tsx) it runs examples/*.ts.
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EpyNN } from '../network/models.js';
import { MAX_THREADS } from '../commons/checks.js';
import { type OptionSpec, UsageError, parseCommand } from './args.js';
import { setThreads } from '../parallel/engine.js';
import { modelTerminalChart } from '../commons/plot.js';
import { makeFolders, readModel, refuseSystemPath, writeTarget } from '../node/fs.js'; // also registers the file-system adapter (model.write(), model.plot())
import { refuseOverwrite, writeONNX, writeTFJS } from '../node/formats.js';
import { modelSummary } from '../network/summary.js';
import { writePyTorch } from '../node/pytorch.js';

/** What the CLI needs from examples/index.ts (kept local: the examples are outside src/). */
interface Example {
  name: string;
  description: string;
  variants: Record<string, string>;
  /** What `--data` names: in every variant (a string; these also take `--download`), or per variant; absent: refused. */
  data?: string | Readonly<Record<string, string>>;
  run(options?: Record<string, unknown>): Promise<EpyNN> | EpyNN;
}

/** Where the CLI prints; tests pass their own. */
export interface CliIO {
  /** Prints normal output. */
  out(text: string): void;
  /** Prints errors and usage. */
  err(text: string): void;
}

const consoleIO: CliIO = { out: (t) => console.log(t), err: (t) => console.error(t) };

/** The package root (this file is src/cli/main.ts, or dist/cli/main.js once compiled). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The example sources (what `epynn copy` copies). */
const examplesDir = join(packageRoot, 'examples');
/** Compiled (dist/cli/main.js): the examples compiled next to it; from the sources: examples/index.ts. */
const compiled = fileURLToPath(import.meta.url).endsWith('.js');
const examplesEntry = compiled
  ? resolve(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'index.js')
  : join(examplesDir, 'index.ts');

/** Exit codes: 0 ok, 1 failure while running, 2 bad usage. */
const USAGE = 2;
/** The largest `--epochs` the command takes. */
export const MAX_EPOCHS = 1_000_000;
/** The largest `--samples` the command takes (each example may allow fewer). */
export const MAX_SAMPLES = 1_000_000;

const HELP: Record<string, string> = {
  main: `usage: epynn <command> [options]

commands:
  examples              list the bundled examples
  run <example> [...]   train one example (epynn run --help)
  copy [dir]            copy the examples into a folder you can edit (default ./epynnlive)
  export --format tfjs|onnx|pytorch <model.json> <out>
                        convert a saved model for TensorFlow.js, ONNX Runtime or PyTorch (docs/OUTGROW.md)
  summary <model.json>  print a model's layers, shapes, dimensions and parameter counts
  help [command]        show help

Run "epynn <command> --help" for the options of a command.`,
  examples: `usage: epynn examples

Lists the bundled examples with a one-line description and their network variants.`,
  run: `usage: epynn run <example> [--epochs N] [--seed S] [--variant V] [--samples N] [--data PATH]
                 [--threads N] [--download] [--quiet] [--save [FILE]] [--plot [FILE]]

Trains one bundled example (see "epynn examples").
  --epochs N     training epochs, 1 to ${MAX_EPOCHS} (each example has its own default)
  --seed S       seed for the data and the model, an integer (default 1)
  --variant V    network variant of the example (default: its first)
  --samples N    number of samples to generate or read, 1 to ${MAX_SAMPLES} (each example has its default)
  --data PATH    folder with the example's data files (captcha_mnist, author_music, ptm_protein),
                 or a prepared-data .json file (the epynnlive variants); refused elsewhere
  --threads N    threads for training and evaluation, 1 to ${MAX_THREADS} (default: EPYNN_THREADS, else
                 the cores, at most 8); the numbers do not depend on it
  --download     fetch a real-data example's original dataset into datasets/ (uses the network)
  --quiet, -q    print nothing but errors
  --save [FILE]  write the trained model (default models/<uname>.json)
  --plot [FILE]  write the training curves as SVG (default plots/<uname>.svg)
Values go after a space or an '=' (--epochs 5, --epochs=5); --save and --plot take the next argument
as FILE unless it starts with '-' (--save=FILE always does); "--" ends the options.`,
  copy: `usage: epynn copy [dir] [--force]

Copies the examples into dir (default ./epynnlive) with their imports pointing at the package
name 'epynn-ts', so you can edit and run them:
  cd <dir> && npx tsx run.ts <example> [--epochs N] ...
They need epynn-ts and tsx installed in the folder or one of its parents (the copied README.md
says how). The folder must not exist or be empty, unless --force.`,
  export: `usage: epynn export --format tfjs|onnx|pytorch [--data] <model.json> <out>   (or --format=tfjs)

Converts a model written by model.write() (or epynn run --save):
  --format tfjs  <out> is a folder: model.json + group1-shard1of1.<hash>.bin (TF.js Layers format;
                 tf.loadLayersModel; tensorflowjs_converter turns it into a Keras model)
  --format onnx  <out> is a file: an ONNX model (opset 13, float32) for ONNX Runtime
  --format pytorch  <out> is a folder: model.py (torch.nn.Module), weights.npz (float64), optimizer.npz
                 (the optimizer state), train.py (continues training with the model's optimizers, also
                 with torchrun --ddp), epynn.json, README.md
  --data         (pytorch) also write data.npz, the model's training set (the file must hold its data:
                 model.write(path, { includeData: true }))
TF.js and ONNX weights become float32. Layers or settings with no exact equivalent are refused with the reason.
See docs/OUTGROW.md.`,
  summary: `usage: epynn summary <model.json>

Prints the summary of a model written by model.write() (or epynn run --save): each layer's output
shape, EpyNN's dimensions d, its parameter count and whether it trains (with its optimizer), then the
totals and the memory of the parameters and of the optimizer state (model.summary()).`,
};

/** Where the examples come from: the bundled ones by default, a copied folder's own from its run.ts. */
export type ExamplesLoader = () => Promise<Record<string, Example>>;

/** Loads the bundled examples (compiled JavaScript from dist/, or the TypeScript sources under tsx/vitest). */
async function loadExamples(): Promise<Record<string, Example>> {
  if (!existsSync(examplesEntry)) {
    throw new Error(`the compiled examples are missing (${examplesEntry}); in a clone of epynn-ts run "npm run build"`);
  }
  const mod = (await import(pathToFileURL(examplesEntry).href)) as { examples: Record<string, Example> };
  return mod.examples;
}

function listExamples(examples: Record<string, Example>): string {
  const width = Math.max(8, ...Object.keys(examples).map((k) => k.length)) + 2;
  const lines = ['Bundled examples (epynn run <example>):', ''];
  for (const ex of Object.values(examples)) {
    lines.push(`  ${ex.name.padEnd(width)}${ex.description}`);
    const variants = Object.entries(ex.variants);
    if (variants.length > 1) for (const [v, d] of variants) lines.push(`  ${''.padEnd(width)}  --variant ${v}: ${d}`);
  }
  return lines.join('\n');
}

/** The options of `epynn run` (and of examples/run.ts, and of a copied folder's run.ts). */
export const RUN_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  epochs: { kind: 'int', min: 1, max: MAX_EPOCHS },
  seed: { kind: 'int', min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  variant: { kind: 'string' },
  samples: { kind: 'int', min: 1, max: MAX_SAMPLES },
  data: { kind: 'string' },
  threads: { kind: 'int', min: 1, max: MAX_THREADS },
  download: { kind: 'flag' },
  quiet: { kind: 'flag', short: 'q' },
  save: { kind: 'optional' },
  plot: { kind: 'optional' },
  help: { kind: 'flag', short: 'h' },
};

interface RunArgs {
  name?: string;
  options: Record<string, unknown>;
  threads?: number;
  save?: string | true;
  plot?: string | true;
}

function parseRun(argv: string[]): RunArgs {
  const { values: v, operands } = parseCommand(argv, RUN_OPTIONS);
  if (operands.length > 1) throw new UsageError(`expected one example, got ${operands.join(' ')}`);
  const args: RunArgs = { name: operands[0], options: {} };
  if (v.quiet === true) args.options.quiet = true;
  if (v.download === true) args.options.download = true;
  if (v.epochs !== undefined) args.options.epochs = v.epochs;
  if (v.seed !== undefined) args.options.seed = v.seed;
  if (v.samples !== undefined) args.options.samples = v.samples;
  if (v.variant !== undefined) args.options.variant = v.variant;
  if (v.data !== undefined) args.options.dataDir = v.data;
  if (v.threads !== undefined) args.threads = v.threads as number;
  if (v.save !== undefined) args.save = v.save as string | true;
  if (v.plot !== undefined) args.plot = v.plot as string | true;
  return args;
}

async function commandRun(argv: string[], io: CliIO, load: ExamplesLoader): Promise<number> {
  const args = parseRun(argv);
  const examples = await load();
  if (args.name === undefined) {
    io.err(`epynn run: which example? known: ${Object.keys(examples).join(', ')}\n\n${HELP.run}`);
    return USAGE;
  }
  const ex = Object.hasOwn(examples, args.name) ? examples[args.name] : undefined;
  if (ex === undefined) {
    io.err(`epynn run: unknown example '${args.name}'; known: ${Object.keys(examples).join(', ')} (see "epynn examples")`);
    return USAGE;
  }
  const variant = args.options.variant;
  if (variant !== undefined && !Object.hasOwn(ex.variants, variant as string)) {
    io.err(`epynn run: example '${ex.name}' has no variant '${String(variant)}'; known: ${Object.keys(ex.variants).join(', ')}`);
    return USAGE;
  }
  const refused = dataRefusal(ex, (variant as string | undefined) ?? Object.keys(ex.variants)[0], args.options, examples);
  if (refused !== undefined) {
    io.err(`epynn run: ${refused}`);
    return USAGE;
  }
  if (args.threads !== undefined) setThreads(args.threads);
  let model: EpyNN;
  try {
    model = await ex.run(args.options);
  } finally {
    if (args.threads !== undefined) setThreads(undefined);
  }
  const quiet = args.options.quiet === true;
  if (!quiet) io.out('\n' + modelTerminalChart(model));
  if (args.save !== undefined) {
    const path = model.write(args.save === true ? undefined : args.save);
    if (!quiet) io.out(`model written to ${path}`);
  }
  if (args.plot !== undefined) {
    const path = model.plot({ path: args.plot === true ? undefined : args.plot });
    if (!quiet) io.out(`plot written to ${path}`);
  }
  return 0;
}

/** Why `--data` / `--download` do not apply to this example and variant (it generates its data), or undefined. */
function dataRefusal(ex: Example, variant: string, options: Record<string, unknown>, examples: Record<string, Example>): string | undefined {
  const everyVariant = (e: Example): boolean => typeof e.data === 'string';
  if (options.download === true && !everyVariant(ex)) {
    const readers = Object.values(examples).filter(everyVariant).map((e) => e.name);
    return `--download: example '${ex.name}' generates its data and downloads nothing; the examples with a dataset to download: ${readers.join(', ')}`;
  }
  if (options.dataDir === undefined || everyVariant(ex)) return undefined;
  const perVariant = ex.data as Readonly<Record<string, string>> | undefined;
  if (perVariant !== undefined && Object.hasOwn(perVariant, variant)) return undefined;
  const readers = Object.values(examples).filter(everyVariant).map((e) => e.name);
  const variants = perVariant === undefined ? '' : ` (its variant${Object.keys(perVariant).length > 1 ? 's' : ''} ${Object.keys(perVariant).join(', ')} read${Object.keys(perVariant).length > 1 ? '' : 's'} --data: ${Object.values(perVariant).join('; ')})`;
  return `--data: example '${ex.name}' (variant ${variant}) generates its data and reads no files${variants}; the examples that read data in every variant: ${readers.join(', ')}`;
}

/**
 * Rewrites the examples' imports of the sources to the package: '../../src/index.js' and
 * '../../src/node/index.js' to 'epynn-ts', '../src/cli/main.js' (run.ts) to 'epynn-ts/cli'.
 */
export function rewriteImports(source: string): string {
  return source
    .replace(/(from\s+|import\s*\(\s*|import\s+)(['"])(?:\.\.\/)+src\/(?:node\/)?index\.js\2/g, '$1$2epynn-ts$2')
    .replace(/(from\s+|import\s*\(\s*|import\s+)(['"])(?:\.\.\/)+src\/cli\/main\.js\2/g, '$1$2epynn-ts/cli$2');
}

const SKIP = new Set(['node_modules', 'models', 'plots', 'datasets', '.DS_Store']);

/** The `name` in the nearest package.json at or above `dir`, or undefined. */
function nearestPackageName(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const file = join(d, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name ?? '';
      } catch {
        return '';
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

function copyExamples(target: string): string[] {
  const written: string[] = [];
  refuseSystemPath(target, 'copyExamples'); // never under /proc or /sys
  const walk = (from: string, to: string): void => {
    makeFolders(to); // one level at a time: no recursive mkdir
    for (const entry of readdirSync(from)) {
      if (SKIP.has(entry)) continue;
      const src = join(from, entry);
      const dst = join(to, entry);
      if (!statSync(src).isDirectory()) writeTarget(dst, 'copyExamples'); // a regular file or nothing: never a device, a FIFO, a link to nothing
      if (statSync(src).isDirectory()) walk(src, dst);
      else if (/\.(ts|js|mts)$/.test(entry)) {
        writeFileSync(dst, rewriteImports(readFileSync(src, 'utf8')));
        written.push(dst);
      } else {
        cpSync(src, dst);
        written.push(dst);
      }
    }
  };
  walk(examplesDir, target);
  // The examples are ES modules. Inside a clone of epynn-ts they already are (and 'epynn-ts' resolves
  // to the package itself); elsewhere a package.json marks the folder as ESM.
  if (nearestPackageName(target) !== 'epynn-ts' && !existsSync(join(target, 'package.json'))) {
    writeFileSync(join(target, 'package.json'), JSON.stringify({ private: true, type: 'module' }, null, 2) + '\n');
    written.push(join(target, 'package.json'));
  }
  const readme = join(target, 'README.md');
  if (!existsSync(readme)) {
    writeFileSync(
      readme,
      `# epynn-ts examples

Copied by \`epynn copy\`. Each folder is one example (EpyNN's epynnlive): \`prepare_dataset.ts\` makes
the data, \`train.ts\` builds and trains the network. They import the package \`epynn-ts\`.

Run one (from this folder):

    npx tsx run.ts ${'<example>'} [--epochs N] [--seed S] [--variant V] [--quiet]

The examples need the packages \`epynn-ts\` and \`tsx\` (which runs TypeScript) installed here or in a
parent folder. If you ran \`npx epynn copy\` in a project where epynn-ts is installed, \`npm install tsx\`
is all that is missing. Otherwise, until epynn-ts is on the npm registry, install it from a clone:

    git clone <epynn-ts repository> epynn-ts && cd epynn-ts && npm ci && npm pack   # builds, writes epynn-ts-<version>.tgz
    cd <this folder> && npm install <path to>/epynn-ts-<version>.tgz tsx

(or \`npm install <path to the clone> tsx\`, which links the clone: run \`npm run build\` in the clone first).
Inside a clone of epynn-ts, the clone itself provides both.
Trained models can be saved with \`model.write()\` (models/) and plotted with \`model.plot()\` (plots/).
`,
    );
    written.push(readme);
  }
  return written;
}

function commandCopy(argv: string[], io: CliIO): number {
  const { values, operands } = parseCommand(argv, { force: { kind: 'flag' }, help: { kind: 'flag', short: 'h' } });
  if (operands.length > 1) throw new UsageError(`expected at most one folder, got ${operands.join(' ')}`);
  const target = resolve(operands[0] ?? 'epynnlive');
  if (existsSync(target) && values.force !== true && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    io.err(`epynn copy: ${target} already exists and is not empty (use --force to copy over it)`);
    return 1;
  }
  const files = copyExamples(target);
  io.out(`Copied ${files.length} files from ${examplesDir} to ${target}`);
  io.out(`Run one with (it needs tsx; ${join(relative(process.cwd(), target) || '.', 'README.md')} says how to install it):\n  cd ${relative(process.cwd(), target) || '.'} && npx tsx run.ts <example> --epochs 10`);
  return 0;
}

/** The formats of `epynn export --format`: a name for the message, the writer, the files it writes (never the input). */
const EXPORT_FORMATS: Record<string, { label: string; fn: string; write(model: EpyNN, out: string): string; targets(out: string): string[] }> = {
  tfjs: { label: 'TF.js', fn: 'writeTFJS', write: writeTFJS, targets: (out) => [out, join(out, 'model.json')] },
  onnx: { label: 'ONNX', fn: 'writeONNX', write: writeONNX, targets: (out) => [out] },
  pytorch: { label: 'PyTorch', fn: 'writePyTorch', write: (model, out) => writePyTorch(model, out), targets: (out) => [out] },
};

function commandExport(argv: string[], io: CliIO): number {
  const { values, operands } = parseCommand(argv, {
    format: { kind: 'string', choices: Object.keys(EXPORT_FORMATS) },
    data: { kind: 'flag' },
    help: { kind: 'flag', short: 'h' },
  });
  if (values.format === undefined) throw new UsageError(`--format is required: ${Object.keys(EXPORT_FORMATS).join(' or ')}`);
  if (operands.length !== 2) {
    throw new UsageError(`expected <model.json> <out>, got ${operands.length} argument${operands.length === 1 ? '' : 's'}`);
  }
  if (values.data === true && values.format !== 'pytorch') throw new UsageError('--data goes with --format pytorch');
  const format = EXPORT_FORMATS[values.format as string];
  const [input, out] = operands;
  refuseOverwrite(input, format.targets(out), format.fn);
  if (values.format === 'pytorch') {
    // the folder is replaced as a whole: the model file must not be inside it
    io.out(`PyTorch folder written to ${writePyTorch(readModel(input), out, { data: values.data === true, keep: input })}`);
    return 0;
  }
  const written = format.write(readModel(input), out);
  io.out(`${format.label} model written to ${written}`);
  return 0;
}

/** `epynn summary <model.json>`: the model's summary table (model.summary()). */
function commandSummary(argv: string[], io: CliIO): number {
  const { operands } = parseCommand(argv, { help: { kind: 'flag', short: 'h' } });
  if (operands.length !== 1) throw new UsageError(`expected one <model.json>, got ${operands.length} arguments`);
  io.out(modelSummary(readModel(operands[0])).text);
  return 0;
}

function commandExamples(argv: string[], io: CliIO, examples: Record<string, Example>): number {
  const { operands } = parseCommand(argv, { help: { kind: 'flag', short: 'h' } });
  if (operands.length > 0) throw new UsageError(`unexpected argument ${operands[0]}`);
  io.out(listExamples(examples));
  return 0;
}

/** The commands: each parses its own arguments (node:util parseArgs, ./args.ts) and has a HELP entry. */
const COMMANDS: Record<string, (argv: string[], io: CliIO, load: ExamplesLoader) => number | Promise<number>> = {
  examples: async (argv, io, load) => commandExamples(argv, io, await load()),
  run: commandRun,
  copy: commandCopy,
  export: commandExport,
  summary: commandSummary,
};

/** `--help` / `-h` among the options (before any `--`). */
const asksHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** Runs the command line `argv` (without node and the script); returns the exit code. */
export async function main(argv: string[], io: CliIO = consoleIO, load: ExamplesLoader = loadExamples): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    (command === undefined ? io.err : io.out)(HELP.main);
    return command === undefined ? USAGE : 0;
  }
  if (command === 'help') {
    const topic = rest[0] ?? 'main';
    if (!Object.hasOwn(HELP, topic)) {
      io.err(`epynn help: unknown command '${topic}'\n\n${HELP.main}`);
      return USAGE;
    }
    io.out(HELP[topic]);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    io.err(`epynn: unknown command '${command}'\n\n${HELP.main}`);
    return USAGE;
  }
  if (asksHelp(rest)) {
    io.out(HELP[command]);
    return 0;
  }
  try {
    return await COMMANDS[command](rest, io, load);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`epynn ${command}: ${err.message}\n\n${HELP[command]}`);
      return USAGE;
    }
    io.err(`epynn ${command}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
