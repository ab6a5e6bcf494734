// Node-only files of the PyTorch export (src/io/pytorch.ts): the folder is written as one unit, a
// fresh temporary folder next to it (every file durably, by writeFileAtomic) swapped in by renames,
// so `dir` is at any time either the complete previous folder or the complete new one (a crash
// between the two renames leaves the new folder complete under its temporary name and the old one
// under `.<name>.old-*`).
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { checkOptions, show } from '../commons/checks.js';
import { EpyNNError, FileWriteError, ModelFileError } from '../errors.js';
import { PYTORCH_FILES, type PyTorchOptions, fromPyTorch, toPyTorch } from '../io/pytorch.js';
import type { EpyNN } from '../network/models.js';
import { refuseSystemPath, writeFileAtomic } from './fs.js';

/** Largest epynn.json / weights.npz readPyTorch reads (1 GiB). */
const MAX_BYTES = 2 ** 30;

/** Flushes a folder's entries (the renames) to disk; platforms that cannot open a folder are skipped. */
function fsyncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (err) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `files` (name -> contents) as the folder `dir`, replacing what was there as a whole: the
 * files go durably into a new temporary folder beside `dir`, which is then renamed to `dir` (the
 * previous folder, if any, renamed away first and removed after). Returns the absolute path.
 * Refused with a FileWriteError: a path under /proc or /sys, a symbolic link or a file at `dir`, and
 * (`keep`) a folder holding that file, which the replacement would remove.
 */
export function writeFolderAtomic(dir: string, files: Record<string, string | Uint8Array>, where = 'writeFolderAtomic', keep?: string): string {
  if (typeof dir !== 'string' || dir === '') throw new EpyNNError(`${where}: dir must be a folder path, got ${show(dir)}`);
  refuseSystemPath(dir, where);
  const target = resolve(dir);
  let link = false;
  try {
    link = lstatSync(target).isSymbolicLink();
  } catch {
    // absent
  }
  if (link) throw new FileWriteError(`${where}: cannot write ${target}: it is a symbolic link; the folder is replaced as a whole, so give the real path (LINK)`, target, 'LINK');
  if (keep !== undefined) {
    let real: string | undefined;
    try {
      real = realpathSync(keep);
    } catch {
      // no such file: nothing to protect
    }
    if (real !== undefined && (real + sep).startsWith(target + sep)) {
      throw new FileWriteError(`${where}: cannot write ${target}: it holds ${keep}, which replacing the folder would remove (SAME_FILE)`, target, 'SAME_FILE');
    }
  }
  const parent = dirname(target);
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(target)}.${tag}.tmp`);
  const old = join(parent, `.${basename(target)}.${tag}.old`);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new FileWriteError(`${where}: cannot write ${target}: it is a file, not a folder (EEXIST)`, target, 'EEXIST');
  try {
    for (const [name, content] of Object.entries(files)) {
      if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') throw new EpyNNError(`${where}: file name ${JSON.stringify(name)} must be a plain name`);
      writeFileAtomic(join(tmp, name), content, where);
    }
    let moved = false;
    if (existsSync(target)) {
      renameSync(target, old);
      moved = true;
    }
    try {
      renameSync(tmp, target);
    } catch (err) {
      if (moved) renameSync(old, target); // put the previous folder back
      throw err;
    }
    fsyncFolder(parent);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof EpyNNError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    throw new FileWriteError(`${where}: cannot write ${target}: ${(err as Error).message} (${code})`, target, code, { cause: err });
  }
  rmSync(old, { recursive: true, force: true });
  return target;
}

/**
 * Writes the model as a PyTorch folder `dir` (model.py, weights.npz, optimizer.npz, train.py, README.md,
 * epynn.json; data.npz with `{ data: true }`), replacing an existing folder as a whole. Returns the
 * folder's absolute path. `keep`: a file that must survive (the CLI passes the model file it read):
 * a `dir` holding it is refused. See toPyTorch and docs/OUTGROW.md.
 */
export function writePyTorch(model: EpyNN, dir: string, options?: PyTorchOptions & { keep?: string }): string {
  const { keep, ...opts } = checkOptions('writePyTorch', options, ['data', 'keep'], { call: 'writePyTorch', lead: 'model, dir, ', primary: 'data', example: 'true' });
  if (typeof dir !== 'string' || dir === '') throw new EpyNNError(`writePyTorch: dir must be a folder path, got ${show(dir)}`);
  if (keep !== undefined && typeof keep !== 'string') throw new EpyNNError(`writePyTorch: keep must be a file path, got ${show(keep)}`);
  return writeFolderAtomic(dir, toPyTorch(model, opts), 'writePyTorch', keep);
}

function readBytes(file: string, where: string): Uint8Array {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `${where}: no such file: ${file}` : `${where}: cannot read ${file}: ${(err as Error).message}`);
  }
  if (!st.isFile()) throw new ModelFileError(`${where}: ${file} is not a regular file`);
  if (st.size > MAX_BYTES) throw new ModelFileError(`${where}: ${file} holds ${st.size} bytes, more than the ${MAX_BYTES} read`);
  return new Uint8Array(readFileSync(file));
}

/**
 * Reads a PyTorch folder written by writePyTorch or by its train.py (epynn.json + weights.npz) back
 * into an epynn-ts model: it predicts with the folder's weights and continues training with
 * `model.train({ epochs, data })`. See fromPyTorch.
 */
export function readPyTorch(dir: string): EpyNN {
  const where = 'readPyTorch';
  if (typeof dir !== 'string' || dir === '') throw new EpyNNError(`${where}: dir must be a folder path, got ${show(dir)}`);
  const sidecar = new TextDecoder().decode(readBytes(join(dir, PYTORCH_FILES.sidecar), where));
  const state = join(dir, PYTORCH_FILES.state);
  return fromPyTorch(sidecar, readBytes(join(dir, PYTORCH_FILES.weights), where), where, existsSync(state) ? readBytes(state, where) : undefined);
}
