// Compiles examples/**/*.ts to dist/examples/**/*.js so the `epynn` command (dist/cli/main.js) runs the
// bundled examples with plain node, without tsx. Types are checked by `npm run typecheck`; this only
// strips them (TypeScript's transpileModule) and points the examples' imports of the sources
// ('../../src/index.js', '../src/cli/main.js') at the compiled library next to them in dist/.
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'examples');
const to = join(root, 'dist', 'examples');

/** '../../src/x.js' -> '../../x.js': dist/examples/<e>/ sits where examples/<e>/ sits, and dist/ is src/. */
export function toDistImports(code) {
  return code.replace(/(['"])((?:\.\.\/)+)src\//g, '$1$2');
}

rmSync(to, { recursive: true, force: true });
let count = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir)) {
    const src = join(dir, entry);
    if (statSync(src).isDirectory()) {
      if (!['node_modules', 'models', 'plots', 'datasets'].includes(entry)) walk(src);
      continue;
    }
    if (!entry.endsWith('.ts') || entry.endsWith('.d.ts')) continue;
    const { outputText } = ts.transpileModule(readFileSync(src, 'utf8'), {
      fileName: src,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
    });
    const dst = join(to, relative(from, src)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(dst), { recursive: true });
    writeFileSync(dst, toDistImports(outputText));
    count++;
  }
};
walk(from);
console.log(`build-examples: ${count} files -> ${relative(root, to)}`);
