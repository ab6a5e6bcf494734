// Doc tests: every ```ts block of README.md and docs/*.md is a complete program (its own data, imports
// from 'epynn-ts') and runs here as written: bundled with esbuild ('epynn-ts' resolved to the sources)
// and run by node in its own empty folder. A block marked ```ts partial is deliberately incomplete: it
// is type-checked only (names it uses but does not define are allowed). Every block is type-checked.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'epynn-doctest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Snippet {
  file: string;
  line: number;
  partial: boolean;
  code: string;
  id: string;
}

/** The ```ts / ```typescript blocks of a Markdown file (info string "ts partial" marks a partial one). */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)\s*(ts|typescript)\b(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j].trimStart().startsWith(fence); j++) body.push(lines[j].slice(open[1].length));
    const id = `${file.replace(/[^A-Za-z0-9]+/g, '_')}_L${i + 1}`;
    out.push({ file, line: i + 1, partial: /\bpartial\b/.test(open[4]), code: body.join('\n') + '\n', id });
    i = j;
  }
  return out;
}

const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const snippets = docs.flatMap((f) => extractSnippets(readFileSync(join(root, f), 'utf8'), f));
const where = (s: Snippet): string => `${s.file}:${s.line}`;

// Each snippet as an .mts file (always an ES module: top-level await, import)
const srcDir = join(work, 'src');
mkdirSync(srcDir);
for (const s of snippets) writeFileSync(join(srcDir, `${s.id}.mts`), s.code);

describe('doc snippets', () => {
  test('there are snippets to check', () => {
    expect(snippets.filter((s) => s.file === 'README.md' && !s.partial).length).toBeGreaterThanOrEqual(3);
  });

  test('every snippet type-checks (against the sources, as the package exports them)', () => {
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      baseUrl: root,
      paths: { 'epynn-ts': ['src/node/index.ts'], 'epynn-ts/core': ['src/index.ts'], 'epynn-ts/cli': ['src/cli/main.ts'] },
    };
    const files = snippets.map((s) => join(srcDir, `${s.id}.mts`));
    const program = ts.createProgram(files, options);
    const problems: string[] = [];
    for (const s of snippets) {
      const sf = program.getSourceFile(join(srcDir, `${s.id}.mts`))!;
      for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
        // a partial block may use names it does not define (the surrounding program has them)
        if (s.partial && [2304, 2552, 18004].includes(d.code)) continue;
        const { line } = d.start === undefined ? { line: 0 } : sf.getLineAndCharacterOfPosition(d.start);
        problems.push(`${s.file}:${s.line + 1 + line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  for (const s of snippets.filter((x) => !x.partial)) {
    test(`${where(s)} runs as written`, async () => {
      // 'epynn-ts' is the package: here the sources (src/node for Node, as the package's "node" export)
      const bundle = join(work, `${s.id}.mjs`);
      await build({
        entryPoints: [join(srcDir, `${s.id}.mts`)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile: bundle,
        logLevel: 'silent',
        alias: { 'epynn-ts/cli': join(root, 'src/cli/main.ts'), 'epynn-ts/core': join(root, 'src/index.ts'), 'epynn-ts': join(root, 'src/node/index.ts') },
        external: ['typescript', 'tsx', 'esbuild'],
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      });
      const cwd = join(work, `${s.id}-cwd`);
      mkdirSync(cwd);
      const r = spawnSync(process.execPath, [bundle], { cwd, encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr, `${where(s)} (${relative(root, bundle)}) wrote to stderr`).toBe('');
      expect(r.status, `${where(s)} exit status\n${r.stdout}`).toBe(0);
    }, 120_000);
  }
});
