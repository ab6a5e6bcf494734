// Node-only file helpers: model files and SVG plots, written durably (temp file, every byte, fsync,
// rename, fsync of the folder) and read with limits (regular files only, bounded size).
import { randomBytes } from 'node:crypto';
import {
  closeSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeSync,
} from 'node:fs';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { checkOptions } from '../commons/checks.js';
import { EpyNNError, FileWriteError, ModelFileError } from '../errors.js';
import { PLOT_OPTIONS, type PlotOptions, plotSVG } from '../commons/plot.js';
import { type NodeIO, type WriteOptions, setNodeIO } from '../io/adapter.js';
import { modelFromJSON, modelToJSON, parseModelJSON } from '../io/library.js';
import { maxParametersOf } from '../io/limits.js';
import { shown } from '../io/schema.js';
import type { EpyNN } from '../network/models.js';

/** Default folders, relative to the working directory (as EpyNN). */
export const MODELS_DIR = 'models';
/** Default folder of `model.plot()`: plots/ under the current directory. */
export const PLOTS_DIR = 'plots';

/**
 * @internal The file-system calls of the writer and the reader. Tests replace entries to inject a
 * short write, a failing fsync or a full disk; nothing else should touch this.
 */
export const fileOps = { openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync, readSync, fstatSync, statSync, lstatSync };

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'the path is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the file name is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  SHORT_WRITE: 'the system accepted no more bytes (disk full?)',
  NOT_REGULAR: 'the path is not a regular file (a device, a FIFO or a socket?); only regular files are replaced',
  DANGLING_LINK: 'the path is a symbolic link to nothing; a link is written through only to an existing regular file',
  SYSTEM_PATH: 'the path is under /proc or /sys (a kernel interface, not a place for files)',
  SAME_FILE: 'the path is the input being read; writing it would destroy the input',
  OUTSIDE: 'the default path leaves its folder',
};

const errorCode = (err: unknown): string => (err as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';

/** A write failure as a FileWriteError naming the path, the reason and the system's code. */
function writeError(where: string, path: string, err: unknown, after = ''): FileWriteError {
  const code = errorCode(err);
  const reason = REASONS[code] ?? (err as Error)?.message ?? String(err);
  return new FileWriteError(`${where}: cannot write ${path}: ${reason} (${code})${after}`, path, code, { cause: err });
}

/** Longest file name (without extension) made from a name read from a model. */
export const MAX_NAME_LENGTH = 100;

/**
 * A name read from a model (`uname`, a TF.js `config.name`, ...) made safe as one file name: path
 * separators, control characters and the characters Windows refuses become `_`, runs of dots
 * become one `_`, leading dots and trailing dots or spaces go, and at most MAX_NAME_LENGTH
 * characters remain; an empty result is `fallback`. The file chooses no folder: only the caller does.
 */
export function safeFileName(name: unknown, fallback = 'model'): string {
  let s = typeof name === 'string' ? name : String(name ?? '');
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\/\\\x00-\x1f\x7f<>:"|?*]/g, '_').replace(/\.{2,}/g, '_').replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  s = [...s].slice(0, MAX_NAME_LENGTH).join('');
  return s === '' ? fallback : s;
}

/**
 * The default path `<dir>/<safe name><ext>`, checked after resolution to lie directly inside `dir`
 * (a FileWriteError with code OUTSIDE otherwise, which safeFileName makes impossible).
 */
export function defaultPath(dir: string, name: unknown, ext: string, where: string): string {
  const file = join(dir, `${safeFileName(name)}${ext}`);
  if (dirname(resolve(file)) !== resolve(dir)) {
    throw new FileWriteError(`${where}: cannot write ${file}: ${REASONS.OUTSIDE} ${resolve(dir)} (the name ${shown(name)} read from the model)`, file, 'OUTSIDE');
  }
  return file;
}

/** Whether an absolute path is /proc, /sys or under one of them. */
const systemPath = (abs: string): boolean => /^\/(proc|sys)(\/|$)/.test(abs);

/** The deepest existing ancestor of an absolute path (itself if it exists), resolved through links. */
function realAncestor(abs: string): string {
  let p = abs;
  for (let i = 0; i < 4096; i++) {
    try {
      return realpathSync(p);
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
  return p;
}

/** Throws a FileWriteError (code SYSTEM_PATH) for a path under /proc or /sys, also through a link. */
export function refuseSystemPath(path: string, where: string): void {
  const abs = resolve(path);
  if (systemPath(abs) || systemPath(realAncestor(abs))) throw new FileWriteError(`${where}: cannot write ${path}: ${REASONS.SYSTEM_PATH} (SYSTEM_PATH)`, path, 'SYSTEM_PATH');
}

/**
 * Where a write of `path` really goes, refusing what must not be replaced (a FileWriteError with
 * the code): a path under /proc or /sys (SYSTEM_PATH, also through a link), a folder (EISDIR), a
 * device, FIFO or socket (NOT_REGULAR), a link to nothing (DANGLING_LINK). A symbolic link to a
 * regular file is written through: the file it points to is replaced (atomically, in its own
 * folder) and the link stays. An absent path is written as a new file.
 */
export function writeTarget(path: string, where: string): string {
  const refuse = (code: string, shownPath = path): never => {
    throw new FileWriteError(`${where}: cannot write ${shownPath}: ${REASONS[code]} (${code})`, path, code);
  };
  refuseSystemPath(path, where);
  const abs = resolve(path);
  let lst;
  try {
    lst = fileOps.lstatSync(abs);
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return abs;
    throw writeError(where, path, err);
  }
  if (lst.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return refuse('DANGLING_LINK');
    }
    if (systemPath(real)) refuse('SYSTEM_PATH');
    const st = fileOps.statSync(real);
    if (st.isDirectory()) refuse('EISDIR');
    if (!st.isFile()) refuse('NOT_REGULAR');
    return real;
  }
  if (lst.isDirectory()) refuse('EISDIR');
  if (!lst.isFile()) refuse('NOT_REGULAR');
  return abs;
}

/**
 * Creates the folder `dir` and its missing parents one level at a time (no recursive mkdir, which
 * loops on some kernel file systems): at most one mkdir per missing level.
 */
export function makeFolders(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let p = abs;
  const root = parse(abs).root;
  for (;;) {
    let st;
    try {
      st = fileOps.statSync(p);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
      if (p === root) throw err;
      missing.push(p);
      p = dirname(p);
      continue;
    }
    if (!st.isDirectory()) throw Object.assign(new Error(`${p} is not a folder`), { code: 'ENOTDIR' });
    break;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (err) {
      // another writer made it meanwhile
      if (errorCode(err) !== 'EEXIST' || !fileOps.statSync(m).isDirectory()) throw err;
    }
  }
}

/** Temp files of `path` are named `<file>.<pid>.<8 hex>.tmp`. */
const tempName = (path: string): string => `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

/** Whether a process with this id exists (EPERM: it does, under another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

/**
 * Removes the temp files of `path` left by writers that were killed (their process no longer
 * exists). Best effort: a file that cannot be listed or removed is left alone.
 */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      fileOps.rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    } catch {
      // another writer removed it, or we may not: leave it
    }
  }
  return removed;
}

/** Writes every byte of `bytes` to `fd` (writeSync may write fewer than asked). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    const n = fileOps.writeSync(fd, bytes, offset, bytes.length - offset);
    if (!(n > 0)) throw Object.assign(new Error(`wrote ${offset} of ${bytes.length} bytes`), { code: 'SHORT_WRITE' });
    offset += n;
  }
}

/** Flushes a folder's entries (the rename) to disk. Platforms that cannot open a folder are skipped. */
function fsyncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fileOps.openSync(dir, 'r');
    fileOps.fsyncSync(fd);
  } catch (err) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES'].includes(errorCode(err))) throw err;
  } finally {
    if (fd !== undefined) fileOps.closeSync(fd);
  }
}

/**
 * Writes `text` to `path` so that the file is either the complete new text or, after any failure
 * or crash, the previous file untouched: the bytes go to a temporary file in the same folder (every
 * byte, checked), are flushed to disk (fsync), the temp file is renamed over `path`, and the folder
 * is flushed so the rename survives a power loss. On failure the temp file is removed and a
 * FileWriteError names the path and the cause (ENOSPC, EACCES, EISDIR, ...). Temp files left by
 * killed writers of the same path are removed first.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array, where = 'writeFileAtomic'): void {
  if (typeof path !== 'string' || path.length === 0) throw new EpyNNError(`${where}: the path must be a non-empty string, got ${shown(path)}`);
  if (typeof text !== 'string' && !(text instanceof Uint8Array)) throw new EpyNNError(`${where}: the content must be a string or bytes, got ${shown(text)}`);
  const shownPath = path;
  const dir0 = dirname(resolve(path));
  refuseSystemPath(path, where);
  try {
    makeFolders(dir0);
  } catch (err) {
    throw writeError(where, path, err, ` (creating the folder ${dirname(path)})`);
  }
  path = writeTarget(path, where);
  const dir = dirname(path);
  removeStaleTemps(path);
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const tmp = tempName(path);
  let fd: number | undefined;
  try {
    fd = fileOps.openSync(tmp, 'wx');
    writeAll(fd, bytes);
    fileOps.fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    fileOps.closeSync(closing);
    fileOps.renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fileOps.closeSync(fd);
      } catch {
        // the write already failed; that error is the one to report
      }
    }
    try {
      fileOps.rmSync(tmp, { force: true });
    } catch {
      // nothing more we can do; a later write to the same path removes it
    }
    throw writeError(where, shownPath, err);
  }
  try {
    fsyncFolder(dir);
  } catch (err) {
    throw writeError(where, shownPath, err, ': the new file is in place, but its folder could not be flushed to disk');
  }
}

/** Writes the model as JSON (docs/FORMAT.md); default `models/<uname>.json`. Returns the path. */
export function writeModel(model: EpyNN, path?: string, options?: WriteOptions): string {
  options = checkOptions('writeModel', options, ['includeData'], { call: 'writeModel', lead: 'model, path, ', primary: 'includeData', example: 'true' });
  const file = path ?? defaultPath(MODELS_DIR, model.uname, '.json', 'EpyNN.write');
  const json = modelToJSON(model, options);
  let text: string;
  try {
    text = JSON.stringify(json);
  } catch (err) {
    // V8 strings hold at most about 512 MiB: a model with a large dataset (includeData) may not fit
    throw new EpyNNError(`EpyNN.write: the model does not fit in one JSON text (${(err as Error).message}); write it without includeData`, { cause: err });
  }
  writeFileAtomic(file, text, 'EpyNN.write');
  return file;
}

/** The newest regular `.json` file in `dir` (by modification time, then name). */
export function newestModelFile(dir = MODELS_DIR): string {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    throw new ModelFileError(`readModel: no folder ${resolve(dir)} (write a model first with model.write(), or pass a path)`);
  }
  const files: { f: string; t: number }[] = [];
  for (const name of names) {
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) files.push({ f: join(dir, name), t: st.mtimeMs });
    } catch {
      // removed meanwhile
    }
  }
  files.sort((a, b) => b.t - a.t || (b.f < a.f ? -1 : 1));
  if (files.length === 0) throw new ModelFileError(`readModel: no model file (*.json) in ${resolve(dir)}`);
  return files[0].f;
}

/** Options of `readModel()`. */
export interface ReadOptions {
  /** Largest file read, in bytes (a model with its data can be large). @default 512 MiB, about the longest string V8 holds */
  maxBytes?: number;
  /** Largest number of values the model may hold (parameters and one sample's arrays), checked before allocating. @default MAX_PARAMETERS = 2**26 */
  maxParameters?: number;
}

/** Default `maxBytes` of readModel. */
export const MAX_MODEL_BYTES = 2 ** 29;

/** The bytes of a regular file of at most `maxBytes` bytes (a FIFO, a device or a folder is refused before opening). */
function readRegularFile(file: string, maxBytes: number, where: string): Uint8Array {
  const fail = (err: unknown): never => {
    const code = errorCode(err);
    throw new ModelFileError(
      code === 'ENOENT' ? `readModel: no such file: ${file}` : `${where}: cannot read the file: ${REASONS[code] ?? (err as Error).message} (${code})`,
      { cause: err },
    );
  };
  const kind = (st: { isFile(): boolean; isDirectory(): boolean }): string => (st.isDirectory() ? 'a folder' : 'not a regular file (a device, a FIFO or a socket?)');
  let st;
  try {
    st = fileOps.statSync(file);
  } catch (err) {
    return fail(err);
  }
  if (!st.isFile()) throw new ModelFileError(`${where}: ${kind(st)}; a model file is a regular file`);
  if (st.size > maxBytes) throw new ModelFileError(`${where}: the file holds ${st.size} bytes, more than maxBytes = ${maxBytes}`);
  let fd: number | undefined;
  try {
    fd = fileOps.openSync(file, 'r');
    const fst = fileOps.fstatSync(fd); // the file opened may not be the one checked
    if (!fst.isFile()) throw new ModelFileError(`${where}: ${kind(fst)}; a model file is a regular file`);
    // Read up to maxBytes + 1 to notice a file that grew past the limit meanwhile
    const cap = maxBytes + 1;
    let buf = new Uint8Array(Math.min(cap, fst.size + 1));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (buf.length >= cap) break;
        const bigger = new Uint8Array(Math.min(cap, buf.length * 2));
        bigger.set(buf);
        buf = bigger;
      }
      const got = fileOps.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes) throw new ModelFileError(`${where}: the file holds more than maxBytes = ${maxBytes} bytes`);
    return buf.subarray(0, n);
  } catch (err) {
    if (err instanceof EpyNNError) throw err;
    return fail(err);
  } finally {
    if (fd !== undefined) fileOps.closeSync(fd);
  }
}

/**
 * Reads a model written by model.write(); default: the newest file in `models/`. Only regular files
 * of at most `maxBytes` bytes are read; every problem is a ModelFileError.
 */
export function readModel(path?: string, options?: ReadOptions): EpyNN {
  if (path !== undefined && (typeof path !== 'string' || path.length === 0)) {
    throw new ModelFileError(`readModel: path must be a non-empty string (or nothing, for the newest file in ${MODELS_DIR}/), got ${shown(path)}`);
  }
  const { maxBytes = MAX_MODEL_BYTES, maxParameters } = checkOptions('readModel', options, ['maxBytes', 'maxParameters'], { call: 'readModel', lead: 'path, ', primary: 'maxBytes', example: '1e8' });
  if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 1)) throw new ModelFileError(`readModel: maxBytes must be a positive integer, got ${shown(maxBytes)}`);
  maxParametersOf({ maxParameters }, 'readModel');
  const file = path ?? newestModelFile();
  const where = `readModel(${file})`;
  const bytes = readRegularFile(file, maxBytes, where);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    if (bytes.length >= MAX_MODEL_BYTES) throw new ModelFileError(`${where}: the file (${bytes.length} bytes) is too large to hold as one JavaScript string`, { cause: err });
    throw new ModelFileError(`${where}: the file is not UTF-8 text (${(err as Error).message})`, { cause: err });
  }
  return modelFromJSON(parseModelJSON(text, where), where, { maxParameters });
}

/** Writes an SVG document; returns the path. */
export function writeSVG(svg: string, path: string): string {
  writeFileAtomic(path, svg, 'EpyNN.plot');
  return path;
}

/** Writes the model's training curves; default `plots/<uname>.svg`. Returns the path. */
export function writePlot(model: EpyNN, options?: PlotOptions): string {
  const { path, ...chart } = checkOptions('writePlot', options, PLOT_OPTIONS, { call: 'writePlot', lead: 'model, ', primary: 'path', example: "'plots/model.svg'" });
  return writeSVG(plotSVG(model, chart), path ?? defaultPath(PLOTS_DIR, model.uname, '.svg', 'EpyNN.plot'));
}

export const nodeFileSystem: NodeIO = { writeModel, writePlot };
setNodeIO(nodeFileSystem);
