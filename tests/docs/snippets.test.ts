// Doc tests: every ```ts block of README.md and docs/*.md is a complete program (its own data, imports
// from 'epynn-ts') and runs here exactly as the README tells a user to run it right after `npm ci`: saved
// as a file in a folder of the clone and run with `npx tsx file.ts` from there, no build. tsx maps
// 'epynn-ts' to the sources through tsconfig.json's `paths` (so dist/ plays no part and an edit to src/ is
// seen at once); a test below checks that mapping. A block marked ```ts partial is deliberately
// incomplete: it is type-checked only (names it uses but does not define are allowed). Every block is
// type-checked.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
// A scratch folder inside the clone (ignored by git): where a user saves a snippet; tsx finds the clone's
// tsconfig.json from there
const work = mkdtempSync(join(root, '.doctest-'));
const tsxCli = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'); // what `npx tsx` runs
/** `npx tsx file` in `cwd`, with the environment of a user's shell (no vitest, no NODE_OPTIONS). */
function tsx(file: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'NODE_OPTIONS' || k === 'TSX_TSCONFIG_PATH') delete env[k];
  const r = spawnSync(process.execPath, [tsxCli, file], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
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

// Each snippet as a .ts file, as a user saves it (an ES module: the clone's package.json says "type": "module")
const srcDir = join(work, 'src');
mkdirSync(srcDir);
for (const s of snippets) writeFileSync(join(srcDir, `${s.id}.ts`), s.code);

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
    const files = snippets.map((s) => join(srcDir, `${s.id}.ts`));
    const program = ts.createProgram(files, options);
    const problems: string[] = [];
    for (const s of snippets) {
      const sf = program.getSourceFile(join(srcDir, `${s.id}.ts`))!;
      for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
        // a partial block may use names it does not define (the surrounding program has them)
        if (s.partial && [2304, 2552, 18004].includes(d.code)) continue;
        const { line } = d.start === undefined ? { line: 0 } : sf.getLineAndCharacterOfPosition(d.start);
        problems.push(`${s.file}:${s.line + 1 + line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test("under `npx tsx` in the clone, 'epynn-ts' is the sources (src/), not dist/", () => {
    const probe = join(work, 'resolve-probe.ts');
    writeFileSync(probe, "for (const s of ['epynn-ts', 'epynn-ts/core', 'epynn-ts/cli']) console.log(import.meta.resolve(s));\n");
    const r = tsx(probe, work);
    expect(r.stderr).toBe('');
    const url = (p: string): string => new URL(`file://${join(root, p)}`).href;
    expect(r.stdout.trim().split('\n')).toEqual([url('src/node/index.ts'), url('src/index.ts'), url('src/cli/main.ts')]);
  });

  test("under vitest too, 'epynn-ts' is the sources (vitest.config.ts aliases, like tsconfig.json's paths)", async () => {
    const [node, core, cli] = await Promise.all([import('epynn-ts'), import('epynn-ts/core'), import('epynn-ts/cli')]);
    expect(node.EpyNN).toBe((await import('../../src/node/index.js')).EpyNN);
    expect(core.Dense).toBe((await import('../../src/index.js')).Dense);
    expect(cli.main).toBe((await import('../../src/cli/main.js')).main);
  });

  for (const s of snippets.filter((x) => !x.partial)) {
    test(`${where(s)} runs as written (npx tsx, no build)`, () => {
      const cwd = join(work, `${s.id}-cwd`); // its own folder: models/ and plots/ land there
      mkdirSync(cwd);
      const r = tsx(join(srcDir, `${s.id}.ts`), cwd);
      expect(r.stderr, `${where(s)} wrote to stderr`).toBe('');
      expect(r.status, `${where(s)} exit status\n${r.stdout}`).toBe(0);
    }, 120_000);
  }
});
