// Node-only files of the interchange formats: TF.js (folder with model.json + weights) and ONNX.
// ONNX is one file, written durably by writeFileAtomic (temporary file, every byte, fsync, rename).
// A TF.js model is two files that must stay a pair: see writeTFJS.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkOptions, show } from '../commons/checks.js';
import { EpyNNError, FileWriteError, ModelFileError } from '../errors.js';
import { type ReadLimits, maxParametersOf } from '../io/limits.js';
import { toONNX } from '../io/onnx.js';
import { type TFJSModelJSON, checkManifest, fromTFJS, toTFJS } from '../io/tfjs.js';
import type { EpyNN } from '../network/models.js';
import { fileOps, makeFolders, refuseSystemPath, writeFileAtomic, writeTarget } from './fs.js';

/** Largest model.json / weights file readTFJS reads (1 GiB). */
const MAX_BYTES = 2 ** 30;

/** The key of model.json's userDefinedMetadata that records each shard's size and SHA-256. */
export const TFJS_SHARDS_KEY = 'epynnShards';

/** One shard's record in model.json (`userDefinedMetadata.epynnShards`). */
export interface TFJSShardRecord {
  /** The shard's file name (as in weightsManifest.paths). */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** The SHA-256 of its bytes, hexadecimal. */
  sha256: string;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const errorCode = (err: unknown): string => (err as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';

/** A regular file's bytes, at most `max` (its size checked before reading; read once). */
function readBytes(file: string, where: string, max = MAX_BYTES): Uint8Array {
  let fd: number | undefined;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new ModelFileError(`${where}: ${file} is ${st.isDirectory() ? 'a folder' : 'not a regular file (a device, a FIFO or a socket?)'}; a TF.js file is a regular file`);
    if (st.size > max) throw new ModelFileError(`${where}: ${file} holds ${st.size} bytes, more than the ${max} read`);
    fd = openSync(file, 'r');
    const fst = fstatSync(fd);
    if (!fst.isFile()) throw new ModelFileError(`${where}: ${file} is not a regular file`);
    const buf = new Uint8Array(fst.size);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n !== buf.length) throw new ModelFileError(`${where}: ${file} shrank while it was read (${n} of ${buf.length} bytes)`);
    return buf;
  } catch (err) {
    if (err instanceof EpyNNError) throw err;
    const code = errorCode(err);
    throw new ModelFileError(code === 'ENOENT' ? `${where}: no such file: ${file}` : `${where}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Staging folders of writeTFJS are named `.tfjs.<pid>.<8 hex>.tmp` inside the target folder. */
const STAGING = /^\.tfjs\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** Shards written by writeTFJS: `group1-shard1of1.<16 hex of the SHA-256>.bin` (earlier versions: without the hash). */
const OUR_SHARD = /^group1-shard1of1(\.[0-9a-f]{16})?\.bin$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

/** The shard names a model.json in `dir` lists (none if it is absent or unreadable). */
function listedShards(dir: string): string[] {
  try {
    const json = JSON.parse(new TextDecoder().decode(readBytes(join(dir, 'model.json'), 'writeTFJS', 2 ** 26))) as TFJSModelJSON;
    return json.weightsManifest.flatMap((g) => g.paths);
  } catch {
    return [];
  }
}

/**
 * Writes the model in the TF.js Layers format into the folder `dir` (created if needed): `model.json`
 * and one weights shard, loadable with `tf.loadLayersModel('file://dir/model.json')` (tfjs-node) or
 * over HTTP. Returns the path of model.json.
 *
 * The two files are replaced as a unit: both are written durably into a fresh staging folder inside
 * `dir`; the shard, named after its content (`group1-shard1of1.<16 hex of its SHA-256>.bin`), is
 * renamed into `dir` first (the old model.json still names the old shard), then model.json is
 * renamed over the old one: a crash, a kill or a full disk at any point leaves the old pair or the new
 * pair readable, never a mix. The shard the previous model.json named is removed afterwards. Two
 * writers of one folder take turns for the renames and the clean-up (a lock file `.tfjs.lock`
 * holding the writer's pid; a dead writer's lock is taken over). A reader during a write gets the
 * old pair, the new pair, or a ModelFileError (a shard removed under it), never a mix.
 * model.json records each shard's size and SHA-256 (`userDefinedMetadata.epynnShards`), which
 * readTFJS checks. `dir/model.json` must be absent or a regular file (not a link).
 */
export function writeTFJS(model: EpyNN, dir: string): string {
  const where = 'writeTFJS';
  if (typeof dir !== 'string' || dir === '') throw new EpyNNError(`${where}: dir must be a folder path, got ${show(dir)}`);
  const { modelJSON, weightData } = toTFJS(model);
  const weights = new Uint8Array(weightData);
  const hash = sha256(weights);
  const shard = `group1-shard1of1.${hash.slice(0, 16)}.bin`;
  modelJSON.weightsManifest[0].paths = [shard];
  const record: TFJSShardRecord = { path: shard, bytes: weights.length, sha256: hash };
  modelJSON.userDefinedMetadata = { ...modelJSON.userDefinedMetadata, [TFJS_SHARDS_KEY]: [record] };
  const file = join(dir, 'model.json');
  // The folder, then the target checked: /proc and /sys, devices, FIFOs, folders are refused
  refuseSystemPath(dir, where);
  try {
    makeFolders(dir);
  } catch (err) {
    throw new FileWriteError(`${where}: cannot create the folder ${dir}: ${(err as Error).message}`, dir, errorCode(err), { cause: err });
  }
  try {
    if (lstatSync(file).isSymbolicLink()) {
      throw new FileWriteError(`${where}: cannot write ${file}: it is a symbolic link; a TF.js pair is written as two files in one folder (LINK)`, file, 'LINK');
    }
  } catch (err) {
    if (err instanceof EpyNNError) throw err;
  }
  writeTarget(file, where);
  // Staging folders of killed writers go first
  try {
    for (const name of readdirSync(dir)) {
      const m = STAGING.exec(name);
      if (m !== null && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) rmSync(join(dir, name), { recursive: true, force: true });
    }
  } catch {
    // best effort
  }
  const stage = join(dir, `.tfjs.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(stage);
  } catch (err) {
    throw new FileWriteError(`${where}: cannot write into ${dir}: ${(err as Error).message}`, dir, errorCode(err), { cause: err });
  }
  try {
    writeFileAtomic(join(stage, shard), weights, where);
    writeFileAtomic(join(stage, 'model.json'), JSON.stringify(modelJSON), where);
    const unlock = lockFolder(dir, where);
    try {
      const previous = listedShards(dir);
      const move = (name: string): void => {
        try {
          fileOps.renameSync(join(stage, name), join(dir, name));
        } catch (err) {
          throw new FileWriteError(`${where}: cannot move ${name} into ${dir}: ${(err as Error).message} (${errorCode(err)}); the previous model is untouched`, join(dir, name), errorCode(err), { cause: err });
        }
      };
      move(shard); // the old model.json still names its own shard
      move('model.json'); // the commit: the new pair
      fsyncDir(dir);
      for (const old of previous) if (old !== shard && OUR_SHARD.test(old)) fileOps.rmSync(join(dir, old), { force: true });
    } finally {
      unlock();
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return file;
}

/** Longest wait for another writer's lock on a TF.js folder. */
const LOCK_WAIT_MS = 30_000;

/**
 * Takes the folder's lock file `.tfjs.lock` (created exclusively, holding the writer's pid), so that
 * two writers never interleave their commit and clean-up; a lock whose writer no longer runs is
 * taken over. Returns the release.
 */
function lockFolder(dir: string, where: string): () => void {
  const lock = join(dir, '.tfjs.lock');
  const start = Date.now();
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw new FileWriteError(`${where}: cannot lock ${dir}: ${(err as Error).message} (${errorCode(err)})`, lock, errorCode(err), { cause: err });
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(lock, 'utf8'));
    } catch {
      continue; // released meanwhile
    }
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && !processAlive(owner)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() - start > LOCK_WAIT_MS) {
      throw new FileWriteError(`${where}: cannot write ${dir}: another writer (process ${owner}) holds ${lock} for more than ${LOCK_WAIT_MS / 1000} s (LOCKED)`, lock, 'LOCKED');
    }
    Atomics.wait(sleeper, 0, 0, 5);
  }
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    // fsync of a folder flushes the renames; some platforms refuse it
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads a TF.js Layers model (a folder holding model.json, or the path of model.json itself; the
 * weight shards are read from the manifest's paths next to it) as an EpyNN model. See fromTFJS.
 * The manifest is checked first (every entry, each shard listed once, the shards' total size equal
 * to what the manifest describes), then each shard is read once; when model.json records the
 * shards' SHA-256 (`userDefinedMetadata.epynnShards`, written by writeTFJS) each shard must match
 * it, so a model.json and shards from different exports are refused. TF.js files from elsewhere,
 * without the record, load as before. Every problem is a ModelFileError (or a NonFiniteError for a
 * NaN or infinite weight).
 */
export function readTFJS(path: string, options?: { loss?: string } & ReadLimits): EpyNN {
  options = checkOptions('readTFJS', options, ['loss', 'maxParameters'], { call: 'readTFJS', lead: 'path, ', primary: 'loss', example: "'MSE'" });
  const where = 'readTFJS';
  maxParametersOf(options, where);
  if (typeof path !== 'string' || path === '') throw new EpyNNError(`${where}: path must be a folder or a model.json path, got ${show(path)}`);
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'model.json');
  } catch {
    // reported by readBytes
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readBytes(file, where, 2 ** 28));
  } catch (err) {
    if (err instanceof EpyNNError) throw err;
    throw new ModelFileError(`${where}: ${file} is not UTF-8 text`, { cause: err });
  }
  let json: TFJSModelJSON;
  try {
    json = JSON.parse(text) as TFJSModelJSON;
  } catch (err) {
    throw new ModelFileError(`${where}: ${file} is not JSON (${(err as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ModelFileError(`${where}: ${file} must hold a JSON object, got ${show(json)}`);
  const described = checkManifest(json, `${where}(${file})`);
  const folder = dirname(resolve(file));
  const paths: string[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      if (p.includes('/') || p.includes('\\') || p === '..' || p === '.' || p === '' || basename(p) !== p) {
        throw new ModelFileError(`${where}: weight file ${JSON.stringify(p)} in ${file} must be a plain file name next to model.json`);
      }
      if (paths.includes(p)) throw new ModelFileError(`${where}: weight file ${JSON.stringify(p)} is listed twice in ${file}'s manifest`);
      paths.push(p);
    }
  }
  // Sizes first: the shards must add up to what the manifest describes before any is read
  let total = 0;
  for (const p of paths) {
    let st;
    try {
      st = statSync(join(folder, p));
    } catch (err) {
      throw new ModelFileError(`${where}: weight file ${p} listed in ${file} ${errorCode(err) === 'ENOENT' ? 'does not exist' : `cannot be read (${errorCode(err)})`}`, { cause: err });
    }
    if (!st.isFile()) throw new ModelFileError(`${where}: weight file ${p} is not a regular file`);
    total += st.size;
  }
  if (total !== described) {
    throw new ModelFileError(`${where}: the weight files of ${file} hold ${total} bytes but its manifest describes ${described}${total < described ? ' (a weight file is truncated)' : ''}`);
  }
  const records = checkShardRecords(json, paths, file, where);
  const weights = new Uint8Array(total);
  let o = 0;
  for (const p of paths) {
    const bytes = readBytes(join(folder, p), where, total - o);
    const rec = records?.get(p);
    if (rec !== undefined && (rec.bytes !== bytes.length || rec.sha256 !== sha256(bytes))) {
      throw new ModelFileError(`${where}: weight file ${p} does not belong to ${file}: its SHA-256 differs from the one model.json records (a model.json and weights from different exports: an interrupted or concurrent export, or a file copied over)`);
    }
    weights.set(bytes, o);
    o += bytes.length;
  }
  if (o !== total) throw new ModelFileError(`${where}: the weight files of ${file} changed while they were read`);
  return fromTFJS(json, weights, options);
}

/** The shard records of a model.json written by writeTFJS (undefined when it has none), checked. */
function checkShardRecords(json: TFJSModelJSON, paths: string[], file: string, where: string): Map<string, TFJSShardRecord> | undefined {
  const meta = json.userDefinedMetadata as Record<string, unknown> | undefined;
  if (meta === undefined || meta === null || typeof meta !== 'object' || !Object.hasOwn(meta, TFJS_SHARDS_KEY)) return undefined;
  const list = meta[TFJS_SHARDS_KEY];
  const bad = (what: string): never => {
    throw new ModelFileError(`${where}: ${file}: userDefinedMetadata.${TFJS_SHARDS_KEY} ${what}`);
  };
  if (!Array.isArray(list)) return bad(`must be an array of { path, bytes, sha256 }, got ${show(list)}`);
  const out = new Map<string, TFJSShardRecord>();
  for (const r of list as unknown[]) {
    const rec = r as TFJSShardRecord;
    if (r === null || typeof r !== 'object' || typeof rec.path !== 'string' || !Number.isSafeInteger(rec.bytes) || typeof rec.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(rec.sha256)) {
      return bad(`holds ${show(r)}, not a { path, bytes, sha256 } record`);
    }
    out.set(rec.path, rec);
  }
  for (const p of paths) if (!out.has(p)) bad(`has no record of weight file ${p}`);
  if (out.size !== paths.length) bad(`records ${out.size} weight files, the manifest lists ${paths.length}`);
  return out;
}

/** Writes the model as ONNX (opset 13, float32) to `path`; returns the path. See toONNX. */
export function writeONNX(model: EpyNN, path: string): string {
  if (typeof path !== 'string' || path === '') throw new EpyNNError(`writeONNX: path must be a file path, got ${show(path)}`);
  writeFileAtomic(path, toONNX(model), 'writeONNX');
  return path;
}

/**
 * Throws a FileWriteError (code SAME_FILE) when writing `outputs` would replace the file `input`
 * (the same path after resolving links, or the same file by device and inode): an export never
 * overwrites the model it reads.
 */
export function refuseOverwrite(input: string, outputs: string[], where: string): void {
  let inStat;
  let inReal: string;
  try {
    inReal = realpathSync(input);
    inStat = statSync(inReal);
  } catch {
    return; // no input file: nothing to protect
  }
  for (const out of outputs) {
    let same = false;
    try {
      const st = statSync(out);
      same = st.dev === inStat.dev && st.ino === inStat.ino;
    } catch {
      same = resolve(out) === inReal;
    }
    if (same) throw new FileWriteError(`${where}: cannot write ${out}: it is the input ${input}; writing it would destroy the model being exported (SAME_FILE)`, out, 'SAME_FILE');
  }
}
