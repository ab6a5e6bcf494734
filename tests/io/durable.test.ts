// Writes are complete or not done: a full disk (a real size-limited tmpfs when we may mount one), a
// short write, a failing fsync, a failing rename, a writer killed with SIGKILL. After each failure
// the previous file is intact, no temp file is left, and the error is a FileWriteError naming the
// path and the cause.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { EpyNNError, FileWriteError } from '../../src/errors.js';
import { Dense } from '../../src/dense/models.js';
import { Embedding } from '../../src/embedding/models.js';
import { EpyNN } from '../../src/network/models.js';
import { fileOps, readModel, removeStaleTemps, writeFileAtomic } from '../../src/node/fs.js';
import { throwsWith } from '../helpers/errors.js';
import { denseModel, sample } from './durable_models.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-durable-'));

const files = (d: string): string[] => readdirSync(d).sort();

afterEach(() => {
  vi.restoreAllMocks();
});

/** Writes `small`, then fails to write `big` over it; checks the old file and the error. */
function expectFailedOverwrite(folder: string, code: string, reason: string, write: (path: string) => unknown, inject = (): void => {}): void {
  const path = join(folder, 'model.json');
  const small = denseModel(3, 2, 7);
  small.write(path);
  const before = readFileSync(path, 'utf8');
  inject();
  let err: unknown;
  try {
    write(path);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FileWriteError);
  expect((err as FileWriteError).code).toBe(code);
  expect((err as FileWriteError).path).toBe(path);
  expect((err as Error).message).toBe(`EpyNN.write: cannot write ${path}: ${reason} (${code})`);
  expect(readFileSync(path, 'utf8')).toBe(before);
  expect(files(folder)).toEqual(['model.json']);
  expect([...readModel(path).predict(sample(3)).A.data]).toEqual([...small.predict(sample(3)).A.data]);
}

describe('a full disk', () => {
  // A real 64 KiB tmpfs when we may mount one (root in CI), in a private mount namespace (unshare):
  // the mount disappears with the child process, even when the test run is killed. Where mounting is
  // not permitted, the same failure is injected. EPYNN_NO_TMPFS=1 forces the injected variant.
  const mnt = mkdtempSync(join(tmpdir(), 'epynn-tmpfs-'));
  const child = process.env.EPYNN_NO_TMPFS
    ? undefined
    : spawnSync(
        'unshare',
        ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$1" 2>/dev/null || exit 97; exec "$2" --import tsx "$3" "$1"', 'sh', mnt, process.execPath, join(__dirname, 'full_disk_writer.ts')],
        { encoding: 'utf8' },
      );
  const mounted = child !== undefined && child.error === undefined && child.status !== 97 && !/unshare: /.test(child.stderr ?? '');
  afterAll(() => rmSync(mnt, { recursive: true, force: true }));

  it(`leaves the previous model intact and says ENOSPC (${mounted ? 'real tmpfs of 64 KiB' : 'mount not permitted: injected'})`, () => {
    if (mounted) {
      expect(child!.status, child!.stderr).toBe(0);
      const r = JSON.parse(child!.stdout.trim().split('\n').at(-1)!);
      expect(r.bigBytes).toBeGreaterThan(100_000);
      expect(r.error).toEqual({
        name: 'FileWriteError',
        isFileWriteError: true,
        code: 'ENOSPC',
        path: r.path,
        message: `EpyNN.write: cannot write ${r.path}: no space left on the device (ENOSPC)`,
      });
      expect(r.unchanged).toBe(true);
      expect(r.filesAfter).toEqual(['model.json']); // the failed temp file is gone
      expect(r.readBackSmall).toBe(true);
      expect(r.fits).toBe(true); // its space was given back: a model that fits is written
      return;
    }
    const big = denseModel(100, 100);
    const inject = (): void => {
      const real = fileOps.writeSync;
      let total = 0;
      vi.spyOn(fileOps, 'writeSync').mockImplementation(((fd: number, buf: Uint8Array, off: number, len: number) => {
        if (total + len > 60_000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        total += len;
        return real(fd, buf, off, len);
      }) as typeof fileOps.writeSync);
    };
    expectFailedOverwrite(mnt, 'ENOSPC', 'no space left on the device', (path) => big.write(path), inject);
  });
});

describe('injected failures', () => {
  it('a short write is continued until every byte is written', () => {
    const real = fileOps.writeSync;
    const calls: number[] = [];
    vi.spyOn(fileOps, 'writeSync').mockImplementation(((fd: number, buf: Uint8Array, off: number, len: number) => {
      const n = real(fd, buf, off, Math.min(len, 1000));
      calls.push(n);
      return n;
    }) as typeof fileOps.writeSync);
    const model = denseModel(30, 30);
    const path = model.write(join(dir, 'short.json'));
    expect(calls.length).toBeGreaterThan(5);
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(JSON.parse(readFileSync(path, 'utf8'))));
    expect([...readModel(path).predict(sample(30)).A.data]).toEqual([...model.predict(sample(30)).A.data]);
  });

  it('a write that stops accepting bytes (returns 0) fails instead of looping or reporting success', () => {
    const inject = (): void => {
      const real = fileOps.writeSync;
      let total = 0;
      vi.spyOn(fileOps, 'writeSync').mockImplementation(((fd: number, buf: Uint8Array, off: number, len: number) => {
        if (total >= 8192) return 0;
        const n = real(fd, buf, off, Math.min(len, 8192 - total));
        total += n;
        return n;
      }) as typeof fileOps.writeSync);
    };
    const folder = mkdtempSync(join(dir, 'zero-'));
    expectFailedOverwrite(folder, 'SHORT_WRITE', 'the system accepted no more bytes (disk full?)', (path) => denseModel(30, 30).write(path), inject);
  });

  it('a failing fsync (EIO)', () => {
    const inject = (): void => {
      vi.spyOn(fileOps, 'fsyncSync').mockImplementationOnce(() => {
        throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      });
    };
    expectFailedOverwrite(mkdtempSync(join(dir, 'fsync-')), 'EIO', 'input/output error', (path) => denseModel(5, 5).write(path), inject);
  });

  it('a failing rename, and a refused open (EACCES)', () => {
    const folder = mkdtempSync(join(dir, 'rename-'));
    const path = join(folder, 'model.json');
    denseModel(3, 2).write(path);
    vi.spyOn(fileOps, 'renameSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
    });
    throwsWith(() => denseModel(4, 4).write(path), FileWriteError, `EpyNN.write: cannot write ${path}: EXDEV (EXDEV)`);
    expect(files(folder)).toEqual(['model.json']);
    const inject = (): void => {
      vi.spyOn(fileOps, 'openSync').mockImplementationOnce(() => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      });
    };
    expectFailedOverwrite(mkdtempSync(join(dir, 'eacces-')), 'EACCES', 'permission denied', (p) => denseModel(4, 4).write(p), inject);
  });

  it('the folder is flushed after the rename', () => {
    const fsync = vi.spyOn(fileOps, 'fsyncSync');
    const open = vi.spyOn(fileOps, 'openSync');
    const folder = mkdtempSync(join(dir, 'dirsync-'));
    writeFileAtomic(join(folder, 'a.txt'), 'hello');
    expect(fsync).toHaveBeenCalledTimes(2); // the file, then its folder
    expect(open.mock.calls.map((c) => c[0])).toEqual([expect.stringMatching(/a\.txt\.\d+\.[0-9a-f]{8}\.tmp$/), folder]);
    expect(readFileSync(join(folder, 'a.txt'), 'utf8')).toBe('hello');
  });
});

describe('real file-system errors are FileWriteErrors', () => {
  it('onto a folder (EISDIR), under a file (ENOTDIR), bad paths', () => {
    const folder = mkdtempSync(join(dir, 'paths-'));
    mkdirSync(join(folder, 'taken.json'));
    throwsWith(() => denseModel(3, 2).write(join(folder, 'taken.json')), FileWriteError, `EpyNN.write: cannot write ${join(folder, 'taken.json')}: the path is a folder (EISDIR)`);
    writeFileSync(join(folder, 'file'), 'x');
    throwsWith(() => denseModel(3, 2).write(join(folder, 'file', 'sub', 'm.json')), FileWriteError, /a part of the path is a file, not a folder \((ENOTDIR|EEXIST)\) \(creating the folder /);
    expect(files(folder)).toEqual(['file', 'taken.json']);
    throwsWith(() => writeFileAtomic(5 as never, 'x'), EpyNNError, 'writeFileAtomic: the path must be a non-empty string, got 5');
    throwsWith(() => writeFileAtomic(join(folder, 'x'), 5 as never), EpyNNError, 'writeFileAtomic: the content must be a string or bytes, got 5');
  });
});

describe('a writer killed with SIGKILL', () => {
  it('leaves the previous file and a temp file, which the next write to the same path removes', async () => {
    const folder = mkdtempSync(join(dir, 'killed-'));
    const path = join(folder, 'model.json');
    writeFileAtomic(path, 'previous');
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'killed_writer.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`the writer exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const temp = `model.json.${child.pid}.`;
    const left = files(folder).filter((f) => f.startsWith(temp));
    expect(left).toHaveLength(1);
    expect(readFileSync(join(folder, left[0]), 'utf8')).toBe('x'.repeat(100_000)); // written, never renamed
    expect(readFileSync(path, 'utf8')).toBe('previous');
    // a temp file of a live process (ours) is not touched; the dead writer's is
    const live = `model.json.${process.pid}.0badcafe.tmp`;
    writeFileSync(join(folder, live), 'in progress');
    writeFileAtomic(path, 'next');
    expect(files(folder)).toEqual([live, 'model.json'].sort());
    expect(readFileSync(path, 'utf8')).toBe('next');
    expect(removeStaleTemps(path)).toEqual([]);
  });
});

describe('a model too large for one JSON text', () => {
  it('is an EpyNNError naming the way out, and nothing is written', () => {
    const folder = mkdtempSync(join(dir, 'large-'));
    const model = denseModel(3, 2);
    const stringify = JSON.stringify;
    // what V8 throws for a string over its maximum length, on the whole document only
    vi.spyOn(JSON, 'stringify').mockImplementation(((value: unknown, ...rest: never[]) => {
      if ((value as { format?: unknown } | null)?.format === 'epynn-ts/model') throw new RangeError('Invalid string length');
      return stringify(value, ...rest);
    }) as typeof JSON.stringify);
    throwsWith(() => model.write(join(folder, 'm.json')), EpyNNError, 'EpyNN.write: the model does not fit in one JSON text (Invalid string length); write it without includeData');
    expect(files(folder)).toEqual([]);
  });
});
