// The core entry (src/index.ts) must run in a browser: bundle it for the browser platform (Node's
// built-in modules are not available there, so a stray `fs` import fails the build) and run the bundle
// in a bare V8 context that has no `process`, `require` or `Buffer`.
import { build } from 'esbuild';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('the core runs in a browser-like context', () => {
  test('bundles for the browser and trains, serializes and plots without Node', async () => {
    const result = await build({
      entryPoints: [join(root, 'src', 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'epynn',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/from\s*["']node:|require\(["'](fs|path|node:)/);

    const logs: string[] = [];
    const sandbox = { console: { log: (s: string) => logs.push(String(s)) }, out: {} as Record<string, unknown> };
    runInNewContext(`${code}
      const { EpyNN, Embedding, Dense, softmax, relu, plotSVG } = epynn;
      const X = Array.from({ length: 40 }, (_, i) => [i % 2, (i >> 1) % 2, ((i * 7) % 5) / 5]);
      const Y = X.map((x) => (x[0] === x[1] ? 0 : 1));
      const model = new EpyNN([new Embedding({ XData: X, YData: Y, YEncode: true }), new Dense({ units: 8, activate: relu }), new Dense({ units: 2, activate: softmax })], 'browser');
      model.initialize({ loss: 'CCE', seed: 1, quiet: true });
      model.train({ epochs: 3, quiet: true });
      const copy = EpyNN.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      out.same = Array.from(copy.predict(X).A.data).join() === Array.from(model.predict(X).A.data).join();
      out.svg = plotSVG(model);
      try { model.write(); } catch (e) { out.writeError = e.message; }
      out.hasProcess = typeof process !== 'undefined';
      // Asked for 2 threads where no worker can start: one thread, and a note, once
      epynn.setThreads(2);
      const notes = epynn.memoryOutput();
      for (let k = 0; k < 2; k++) {
        const m2 = new EpyNN([new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 16 }), new Dense({ units: 2, activate: softmax })], 'threads');
        m2.initialize({ loss: 'CCE', seed: 1, quiet: true });
        m2.logger = notes;
        m2.train({ epochs: 1, initLogs: false, verbose: 100 });
      }
      out.threadsNote = epynn.threadsNote();
      out.notes = notes.lines.filter((l) => l.startsWith('NOTE'));
    `, sandbox);
    expect(sandbox.out.hasProcess).toBe(false);
    expect(sandbox.out.same).toBe(true);
    expect(String(sandbox.out.svg)).toMatch(/^<svg/);
    expect(String(sandbox.out.writeError)).toMatch(/no file system available/);
    expect(logs).toEqual([]); // quiet mode printed nothing
    expect(sandbox.out.threadsNote).toBe('running on one thread: Web Workers are not available');

    // A page without cross-origin isolation: no SharedArrayBuffer (the kernels' memory is unshared too)
    const page = { console: { log: () => undefined }, out: {} as Record<string, unknown>, crossOriginIsolated: false };
    runInNewContext(`delete globalThis.SharedArrayBuffer;
${code}
      const { EpyNN, Embedding, Dense, softmax } = epynn;
      const X = Array.from({ length: 40 }, (_, i) => [i % 2, (i >> 1) % 2, ((i * 7) % 5) / 5]);
      const Y = X.map((x) => (x[0] === x[1] ? 0 : 1));
      const model = new EpyNN([new Embedding({ XData: X, YData: Y, YEncode: true, batchSize: 16 }), new Dense({ units: 2, activate: softmax })], 'page');
      model.initialize({ loss: 'CCE', seed: 1, quiet: true, threads: 2 });
      const notes = epynn.memoryOutput();
      model.logger = notes;
      model.train({ epochs: 2, initLogs: false, verbose: 100 });
      out.note = epynn.threadsNote();
      out.notes = notes.lines.filter((l) => l.startsWith('NOTE'));
      out.backend = epynn.getBackend();
      out.trained = model.epochsDone;
    `, page);
    expect(page.out.trained).toBe(2);
    expect(page.out.note).toMatch(/^running on one thread: SharedArrayBuffer is not available \(the page is not cross-origin isolated/);
    expect(page.out.notes).toEqual([`NOTE: ${page.out.note}`]);
    expect(sandbox.out.notes).toEqual(['NOTE: running on one thread: Web Workers are not available']);
  });
});
