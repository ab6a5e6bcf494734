#!/usr/bin/env node
// The `epynn` command. In the package: the compiled CLI (dist/cli/main.js) with the examples compiled to
// dist/examples, so it runs with plain node. In a clone of epynn-ts before `npm run build`: the
// TypeScript sources through tsx (a development dependency).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
const built = existsSync(compiled) && existsSync(new URL('../dist/examples/index.js', import.meta.url));
let entry = compiled;
if (!built) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    entry = new URL('../src/cli/main.ts', import.meta.url);
  } catch {
    console.error('epynn: dist/ is missing; in a clone of epynn-ts run "npm run build" (or "npm ci" to get tsx)');
    process.exit(1);
  }
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
