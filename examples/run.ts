// `npm run example -- <name> [--variant V] [--epochs N] [--seed S] [--samples N] [--data DIR] [--download] [--quiet]`
import { examples } from './index.js';
import type { ExampleOptions } from './types.js';

function usage(): string {
  const lines = ['usage: npm run example -- <name> [--variant V] [--epochs N] [--seed S] [--samples N] [--data DIR] [--download] [--quiet]', '', 'examples:'];
  for (const ex of Object.values(examples)) {
    lines.push(`  ${ex.name.padEnd(16)} ${ex.description}`);
    for (const [v, d] of Object.entries(ex.variants)) lines.push(`      --variant ${v.padEnd(10)} ${d}`);
  }
  return lines.join('\n');
}

/** --download: fetch a real-data example's original archive into datasets/<name>/ (network; never by default). */
type RunOptions = ExampleOptions & { download?: boolean };

export function parseArgs(argv: string[]): { name?: string; options: RunOptions; help: boolean } {
  const options: RunOptions = {};
  let name: string | undefined;
  let help = false;
  const intArg = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n)) throw new Error(`${flag} needs an integer, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') help = true;
    else if (a === '--quiet' || a === '-q') options.quiet = true;
    else if (a === '--epochs') options.epochs = intArg(a, argv[++i]);
    else if (a === '--seed') options.seed = intArg(a, argv[++i]);
    else if (a === '--samples') options.samples = intArg(a, argv[++i]);
    else if (a === '--variant') options.variant = argv[++i];
    else if (a === '--data') options.dataDir = argv[++i];
    else if (a === '--download') options.download = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (name === undefined) name = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  return { name, options, help };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n\n${usage()}`);
    return 2;
  }
  if (parsed.help || parsed.name === undefined) {
    console.log(usage());
    return parsed.help ? 0 : 2;
  }
  const ex = examples[parsed.name];
  if (ex === undefined) {
    console.error(`error: unknown example '${parsed.name}'\n\n${usage()}`);
    return 2;
  }
  await ex.run(parsed.options);
  return 0;
}

main().then((code) => (process.exitCode = code), (err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
