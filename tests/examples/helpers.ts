// Helpers of the real-data example tests: temporary folders, a minimal tar writer (the archives EpyNN
// downloads are plain ustar files), a fake fetch, and a guard that fails any real network access.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';

/** A fresh temporary folder, removed after the file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `epynn-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Makes every use of the global fetch fail the test: no test may touch the network. */
export function forbidNetwork(): void {
  beforeAll(() => {
    vi.stubGlobal('fetch', () => {
      throw new Error('a test tried to use the network (global fetch)');
    });
  });
  afterAll(() => vi.unstubAllGlobals());
}

function header(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1'); // checksum field counts as spaces
  h.write(type, 156, 'latin1');
  h.write('ustar\0' + '00', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

/** A ustar archive of the given files (names longer than 100 characters use a GNU long-name entry). */
export function makeTar(files: Record<string, Buffer | string>): Buffer {
  const parts: Buffer[] = [];
  const pad = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
    if (name.length > 100) {
      const long = Buffer.from(name + '\0');
      parts.push(header('././@LongLink', long.length, 'L'), pad(long));
    }
    parts.push(header(name, body.length, '0'), pad(body));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A fake fetch answering `body` for any URL, recording the URLs asked. */
export function fakeFetcher(body: Buffer, status = 200): ((url: string) => Promise<Response>) & { calls: string[] } {
  const calls: string[] = [];
  const f = async (url: string): Promise<Response> => {
    calls.push(url);
    return new Response(new Uint8Array(body), { status, headers: { 'content-length': String(body.length) } });
  };
  return Object.assign(f, { calls });
}
