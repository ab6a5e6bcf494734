// Optional download of an example's original data set (EpyNN's download_* functions, which call wget and
// extract a .tar into ./data). Node only. Nothing here runs unless an example is asked to download
// (`--download`): the default runs and the tests stay offline. The fetcher is injectable for tests.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The part of `fetch` the downloader uses (the global fetch fits; tests pass a fake). */
export type Fetcher = (url: string) => Promise<Response>;

export interface DownloadOptions {
  /** Address of the .tar (or .tar.gz) archive. */
  url: string;
  /** Folder the archive is extracted into; a `.complete` marker in it means "already cached". */
  cacheDir: string;
  /** @default globalThis.fetch */
  fetcher?: Fetcher;
  /** Receives the progress line (rewritten in place on a TTY). @default writes to stderr */
  progress?: (line: string, done: boolean) => void;
}

/** Default cache folder of an example's data: `datasets/<name>` under the current directory. */
export function defaultCacheDir(name: string): string {
  return resolve('datasets', name);
}

/** Whether a cache folder holds a completed download. */
export function isCached(cacheDir: string): boolean {
  return existsSync(join(cacheDir, '.complete'));
}

function stderrProgress(line: string, done: boolean): void {
  const err = process.stderr;
  if (err.isTTY) err.write('\r\x1b[2K' + line + (done ? '\n' : ''));
  else if (done) err.write(line + '\n');
}

const mb = (n: number): string => (n / 1e6).toFixed(1);

/**
 * Downloads `url` and extracts it into `cacheDir` unless that folder already holds a completed
 * download. Prints one progress line ("Downloading <url>: 12.3 / 45.6 MB (27%)"). Returns cacheDir.
 */
export async function downloadDataset({ url, cacheDir, fetcher, progress = stderrProgress }: DownloadOptions): Promise<string> {
  if (isCached(cacheDir)) return cacheDir;
  const get = fetcher ?? (globalThis.fetch as Fetcher | undefined);
  if (typeof get !== 'function') throw new Error('download: no fetch available (Node >= 18 is needed)');
  let res: Response;
  try {
    res = await get(url);
  } catch (err) {
    throw new Error(`download: cannot reach ${url}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new Error(`download: ${url} answered HTTP ${res.status} ${res.statusText}`.trimEnd());
  const total = Number(res.headers.get('content-length')) || 0;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const show = (done: boolean): void =>
    progress(`Downloading ${url}: ${mb(received)}${total ? ` / ${mb(total)} MB (${Math.floor((100 * received) / total)}%)` : ' MB'}`, done);
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      show(false);
    }
  } else {
    const buf = new Uint8Array(await res.arrayBuffer());
    chunks.push(buf);
    received = buf.length;
  }
  show(true);
  const archive = Buffer.concat(chunks);
  mkdirSync(cacheDir, { recursive: true });
  const files = untar(archive, cacheDir);
  if (files.length === 0) throw new Error(`download: ${url} is not a tar archive with files in it`);
  writeFileSync(join(cacheDir, '.complete'), `${url}\n${files.join('\n')}\n`);
  return cacheDir;
}

const field = (b: Buffer, start: number, len: number): string => {
  const s = b.toString('latin1', start, start + len);
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
};

/**
 * Extracts a POSIX (ustar/GNU/pax) tar archive, gzipped or not, into `dir`; returns the relative
 * paths of the regular files written. Entries that would land outside `dir` are refused.
 */
export function untar(archive: Buffer, dir: string): string[] {
  if (archive.length >= 2 && archive[0] === 0x1f && archive[1] === 0x8b) archive = gunzipSync(archive);
  const written: string[] = [];
  let longName: string | undefined;
  let off = 0;
  while (off + 512 <= archive.length) {
    const header = archive.subarray(off, off + 512);
    if (header.every((v) => v === 0)) break; // end-of-archive block
    const sizeText = field(header, 124, 12).trim();
    const size = parseInt(sizeText || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error(`untar: bad size field '${sizeText}' at offset ${off}`);
    const type = String.fromCharCode(header[156] || 48); // '\0' is an old-style regular file
    const prefix = field(header, 345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    const body = archive.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = field(body, 0, body.length); // GNU long name of the next entry
      continue;
    }
    if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1]; // pax extended header of the next entry
      continue;
    }
    if (type !== '0' && type !== '7') continue; // directories, links, global headers: nothing to write
    name = name.replace(/^\.\//, '');
    const target = normalize(join(dir, name));
    if (isAbsolute(name) || !(target + sep).startsWith(normalize(dir) + sep)) throw new Error(`untar: refusing entry outside the folder: ${name}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
    written.push(name);
  }
  return written;
}

/** Every file under `dir` (recursively, sorted, hidden files skipped), as paths relative to `dir`. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel)).sort()) {
      if (entry.startsWith('.')) continue;
      const r = rel ? join(rel, entry) : entry;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out;
}
