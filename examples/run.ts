// `npm run example -- <name> [options]` is `epynn run <name> [options]` (src/cli/main.ts):
// `npm run example -- --help` prints the options and the list of examples with their variants.
import { main } from '../src/cli/main.js';

// The examples of this folder (also when `epynn copy` copied it somewhere to edit)
const load = async () => (await import('./index.js')).examples;

async function run(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    await main(['run', '--help']);
    console.log('');
    await main(['examples'], undefined, load);
    return argv.length === 0 ? 2 : 0;
  }
  return main(['run', ...argv], undefined, load);
}

run(process.argv.slice(2)).then((code) => (process.exitCode = code));
