#!/usr/bin/env node
// The `epynn` command. The examples are TypeScript sources, so the CLI runs through tsx's loader.
import { fileURLToPath } from 'node:url';

let register;
try {
  ({ register } = await import('tsx/esm/api'));
} catch {
  console.error('epynn: this command needs tsx to load the TypeScript examples; install it with "npm install tsx"');
  process.exit(1);
}
register();
const { main } = await import(fileURLToPath(new URL('../src/cli/main.ts', import.meta.url)));
process.exitCode = await main(process.argv.slice(2));
