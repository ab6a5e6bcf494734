// The `epynn` command: list, run and copy the bundled examples (EpyNN's `epynn` copies its live
// examples). Started by bin/epynn.js from the compiled dist/cli/main.js, which runs the examples compiled
// to dist/examples (scripts/build-examples.mjs); from the sources (tests, tsx) it runs examples/*.ts.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EpyNN } from '../network/models.js';
import { MAX_THREADS, closestKey } from '../commons/checks.js';
import { setThreads } from '../parallel/engine.js';
import { modelTerminalChart } from '../commons/plot.js';
import { readModel } from '../node/fs.js'; // also registers the file-system adapter (model.write(), model.plot())
import { refuseOverwrite, writeONNX, writeTFJS } from '../node/formats.js';
import { writePyTorch } from '../node/pytorch.js';

/** What the CLI needs from examples/index.ts (kept local: the examples are outside src/). */
interface Example {
  name: string;
  description: string;
  variants: Record<string, string>;
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

const HELP: Record<string, string> = {
  main: `usage: epynn <command> [options]

commands:
  examples              list the bundled examples
  run <example> [...]   train one example (epynn run --help)
  copy [dir]            copy the examples into a folder you can edit (default ./epynnlive)
  export --format tfjs|onnx|pytorch <model.json> <out>
                        convert a saved model for TensorFlow.js, ONNX Runtime or PyTorch (docs/OUTGROW.md)
  help [command]        show help

Run "epynn <command> --help" for the options of a command.`,
  examples: `usage: epynn examples

Lists the bundled examples with a one-line description and their network variants.`,
  run: `usage: epynn run <example> [--epochs N] [--seed S] [--variant V] [--samples N] [--data DIR]
                 [--threads N] [--download] [--quiet] [--save [FILE]] [--plot [FILE]]

Trains one bundled example (see "epynn examples").
  --epochs N     training epochs (each example has its own default)
  --seed S       seed for the data and the model (default 1)
  --variant V    network variant of the example (default: its first)
  --samples N    number of samples to generate
  --data DIR     folder with the example's data files (examples that read real data)
  --threads N    threads for training and evaluation (default: EPYNN_THREADS, else the cores, at most 8);
                 the numbers do not depend on it
  --download     fetch a real-data example's original dataset into datasets/ (uses the network)
  --quiet, -q    print nothing but errors
  --save [FILE]  write the trained model (default models/<uname>.json)
  --plot [FILE]  write the training curves as SVG (default plots/<uname>.svg)`,
  copy: `usage: epynn copy [dir] [--force]

Copies the examples into dir (default ./epynnlive) with their imports pointing at the package
name 'epynn-ts', so you can edit and run them:
  cd <dir> && npx tsx run.ts <example> [--epochs N] ...
They need epynn-ts and tsx installed in the folder or one of its parents (the copied README.md
says how). The folder must not exist or be empty, unless --force.`,
  export: `usage: epynn export --format tfjs|onnx|pytorch [--data] <model.json> <out>

Converts a model written by model.write() (or epynn run --save):
  --format tfjs  <out> is a folder: model.json + group1-shard1of1.bin (TF.js Layers format,
                 tf.loadLayersModel; tensorflowjs_converter turns it into a Keras model)
  --format onnx  <out> is a file: an ONNX model (opset 13, float32) for ONNX Runtime
  --format pytorch  <out> is a folder: model.py (torch.nn.Module), weights.npz (float64), train.py
                 (continues training, also with torchrun --ddp), epynn.json, README.md
  --data         (pytorch) also write data.npz, the model's training set (the file must hold its data:
                 model.write(path, { includeData: true }))
TF.js and ONNX weights become float32. Layers or settings with no exact equivalent are refused with the reason.
See docs/OUTGROW.md.`,
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

class UsageError extends Error {}

interface RunArgs {
  name?: string;
  options: Record<string, unknown>;
  threads?: number;
  save?: string | true;
  plot?: string | true;
}

function parseRun(argv: string[]): RunArgs {
  const args: RunArgs = { options: {} };
  const int = (flag: string, v: string | undefined): number => {
    if (v === undefined || !/^-?\d+$/.test(v)) throw new UsageError(`${flag} needs an integer, got ${v ?? 'nothing'}`);
    return Number(v);
  };
  const value = (flag: string, v: string | undefined): string => {
    if (v === undefined || v.startsWith('-')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  // an optional file operand: the next argument unless it is an option
  const optional = (i: number): string | true => (argv[i + 1] !== undefined && !argv[i + 1].startsWith('-') && args.name !== undefined ? argv[i + 1] : true);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quiet' || a === '-q') args.options.quiet = true;
    else if (a === '--epochs') {
      const n = int(a, argv[++i]);
      if (n < 1) throw new UsageError(`--epochs must be at least 1, got ${n}`);
      args.options.epochs = n;
    } else if (a === '--seed') args.options.seed = int(a, argv[++i]);
    else if (a === '--samples') args.options.samples = int(a, argv[++i]);
    else if (a === '--variant') args.options.variant = value(a, argv[++i]);
    else if (a === '--data') args.options.dataDir = value(a, argv[++i]);
    else if (a === '--threads') {
      const n = int(a, argv[++i]);
      if (n < 1 || n > MAX_THREADS) throw new UsageError(`--threads must be from 1 to ${MAX_THREADS}, got ${n}`);
      args.threads = n;
    }
    else if (a === '--download') args.options.download = true;
    else if (a === '--save' || a === '--plot') {
      const v = optional(i);
      if (v !== true) i++;
      args[a === '--save' ? 'save' : 'plot'] = v;
    } else if (a.startsWith('-')) {
      const flags = ['--quiet', '--epochs', '--seed', '--samples', '--variant', '--data', '--threads', '--download', '--save', '--plot'];
      const guess = closestKey(a.replace(/^-+/, '').replace(/_/g, '-'), flags.map((f) => f.slice(2)));
      throw new UsageError(`unknown option ${a}${guess ? ` (did you mean --${guess.key}?)` : ''}`);
    }
    else if (args.name === undefined) args.name = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  return args;
}

async function commandRun(argv: string[], io: CliIO, load: ExamplesLoader): Promise<number> {
  let args: RunArgs;
  try {
    args = parseRun(argv);
  } catch (err) {
    io.err(`epynn run: ${(err as Error).message}\n\n${HELP.run}`);
    return USAGE;
  }
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
  const walk = (from: string, to: string): void => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) {
      if (SKIP.has(entry)) continue;
      const src = join(from, entry);
      const dst = join(to, entry);
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
  const force = argv.includes('--force');
  const rest = argv.filter((a) => a !== '--force');
  const unknown = rest.find((a) => a.startsWith('-'));
  if (unknown !== undefined) {
    io.err(`epynn copy: unknown option ${unknown}\n\n${HELP.copy}`);
    return USAGE;
  }
  if (rest.length > 1) {
    io.err(`epynn copy: expected at most one folder, got ${rest.join(' ')}\n\n${HELP.copy}`);
    return USAGE;
  }
  const target = resolve(rest[0] ?? 'epynnlive');
  if (existsSync(target) && !force && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    io.err(`epynn copy: ${target} already exists and is not empty (use --force to copy over it)`);
    return 1;
  }
  const files = copyExamples(target);
  io.out(`Copied ${files.length} files from ${examplesDir} to ${target}`);
  io.out(`Run one with (it needs tsx; ${join(relative(process.cwd(), target) || '.', 'README.md')} says how to install it):\n  cd ${relative(process.cwd(), target) || '.'} && npx tsx run.ts <example> --epochs 10`);
  return 0;
}

function commandExport(argv: string[], io: CliIO): number {
  let format: string | undefined;
  let data = false;
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format') format = argv[++i];
    else if (a === '--data') data = true;
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('-')) {
      io.err(`epynn export: unknown option ${a}\n\n${HELP.export}`);
      return USAGE;
    } else operands.push(a);
  }
  if (format !== 'tfjs' && format !== 'onnx' && format !== 'pytorch') {
    io.err(`epynn export: --format must be tfjs, onnx or pytorch, got ${format === undefined ? 'nothing' : JSON.stringify(format)}\n\n${HELP.export}`);
    return USAGE;
  }
  if (operands.length !== 2) {
    io.err(`epynn export: expected <model.json> <out>, got ${operands.length} argument${operands.length === 1 ? '' : 's'}\n\n${HELP.export}`);
    return USAGE;
  }
  if (data && format !== 'pytorch') {
    io.err(`epynn export: --data goes with --format pytorch\n\n${HELP.export}`);
    return USAGE;
  }
  const [input, out] = operands;
  refuseOverwrite(input, format === 'tfjs' ? [out, join(out, 'model.json')] : [out], 'epynn export');
  const model = readModel(input);
  if (format === 'pytorch') {
    // the folder is replaced as a whole: the model file must not be inside it
    io.out(`PyTorch folder written to ${writePyTorch(model, out, { data, keep: input })}`);
    return 0;
  }
  const written = format === 'tfjs' ? writeTFJS(model, out) : writeONNX(model, out);
  io.out(`${format === 'tfjs' ? 'TF.js' : 'ONNX'} model written to ${written}`);
  return 0;
}

/** Runs the command line `argv` (without node and the script); returns the exit code. */
export async function main(argv: string[], io: CliIO = consoleIO, load: ExamplesLoader = loadExamples): Promise<number> {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
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
  if (!['examples', 'run', 'copy', 'export'].includes(command)) {
    io.err(`epynn: unknown command '${command}'\n\n${HELP.main}`);
    return USAGE;
  }
  if (wantsHelp) {
    io.out(HELP[command]);
    return 0;
  }
  try {
    if (command === 'examples') {
      if (rest.length > 0) {
        io.err(`epynn examples: unexpected argument ${rest[0]}\n\n${HELP.examples}`);
        return USAGE;
      }
      io.out(listExamples(await load()));
      return 0;
    }
    if (command === 'run') return await commandRun(rest, io, load);
    if (command === 'export') return commandExport(rest, io);
    return commandCopy(rest, io);
  } catch (err) {
    io.err(`epynn ${command}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
