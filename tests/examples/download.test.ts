// The optional download path of the real-data examples (examples/download.ts), with a fake fetch:
// no test touches the network (forbidNetwork makes the global fetch throw).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { downloadDataset, isCached, listFiles, untar } from '../../examples/download.js';
import { fakeFetcher, forbidNetwork, makeTar, tempDir } from './helpers.js';

forbidNetwork();
const root = tempDir('download');

describe('untar', () => {
  it('extracts regular files with their folders, gzipped or not, and long names', () => {
    const long = `data/${'x'.repeat(120)}.dat`;
    const tar = makeTar({ 'data/a.txt': 'alpha\n', './data/sub/b.bin': Buffer.from([0, 1, 2, 255]), [long]: 'long' });
    for (const [k, archive] of [['plain', tar], ['gz', gzipSync(tar)]] as const) {
      const dir = join(root, `untar-${k}`);
      const written = untar(archive, dir);
      expect(written).toEqual(['data/a.txt', 'data/sub/b.bin', long]);
      expect(readFileSync(join(dir, 'data/a.txt'), 'utf8')).toBe('alpha\n');
      expect([...readFileSync(join(dir, 'data/sub/b.bin'))]).toEqual([0, 1, 2, 255]);
      expect(readFileSync(join(dir, long), 'utf8')).toBe('long');
      expect(listFiles(dir)).toEqual(['data/a.txt', 'data/sub/b.bin', long].sort());
    }
  });

  it('refuses entries that would land outside the folder', () => {
    expect(() => untar(makeTar({ '../evil.txt': 'no' }), join(root, 'evil'))).toThrow(/refusing entry outside the folder: \.\.\/evil\.txt/);
    expect(existsSync(join(root, 'evil.txt'))).toBe(false);
  });
});

describe('downloadDataset', () => {
  it('downloads once with a progress line, extracts, marks the cache and then reuses it', async () => {
    const cacheDir = join(root, 'cache');
    const fetcher = fakeFetcher(makeTar({ 'data/21_positive.dat': 'AAA\n' }));
    const lines: [string, boolean][] = [];
    const progress = (line: string, done: boolean): void => void lines.push([line, done]);
    expect(isCached(cacheDir)).toBe(false);
    await downloadDataset({ url: 'https://example.invalid/x.tar', cacheDir, fetcher, progress });
    expect(fetcher.calls).toEqual(['https://example.invalid/x.tar']);
    expect(readFileSync(join(cacheDir, 'data/21_positive.dat'), 'utf8')).toBe('AAA\n');
    expect(isCached(cacheDir)).toBe(true);
    const last = lines[lines.length - 1];
    expect(last[1]).toBe(true);
    expect(last[0]).toMatch(/^Downloading https:\/\/example\.invalid\/x\.tar: 0\.0 \/ 0\.0 MB \(100%\)$/);
    await downloadDataset({ url: 'https://example.invalid/x.tar', cacheDir, fetcher, progress });
    expect(fetcher.calls.length).toBe(1); // cached: not fetched again
  });

  it('reports HTTP errors and archives without files, and caches nothing', async () => {
    const cacheDir = join(root, 'bad');
    await expect(downloadDataset({ url: 'https://example.invalid/y.tar', cacheDir, fetcher: fakeFetcher(Buffer.from('nope'), 404), progress: () => {} }))
      .rejects.toThrow(/https:\/\/example\.invalid\/y\.tar answered HTTP 404/);
    await expect(downloadDataset({ url: 'https://example.invalid/z.tar', cacheDir, fetcher: fakeFetcher(Buffer.alloc(1024)), progress: () => {} }))
      .rejects.toThrow(/is not a tar archive with files in it/);
    expect(isCached(cacheDir)).toBe(false);
  });

  it('uses the global fetch by default (here: the test guard, which refuses)', async () => {
    await expect(downloadDataset({ url: 'https://example.invalid/w.tar', cacheDir: join(root, 'w'), progress: () => {} }))
      .rejects.toThrow(/cannot reach https:\/\/example\.invalid\/w\.tar: a test tried to use the network/);
  });
});
