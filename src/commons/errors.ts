// EpyNN prints a debug dump and exits; a library throws typed errors instead.

/** Any error raised by epynn-ts on bad input or a failed model check. */
export class EpyNNError extends Error {
  override name = 'EpyNNError';
}

/** An array does not have the shape a layer or a function expects. */
export class ShapeError extends EpyNNError {
  override name = 'ShapeError';
}

/** A model file (or its JSON) is unreadable, corrupted, or inconsistent with itself. */
export class ModelFileError extends EpyNNError {
  override name = 'ModelFileError';
}

/** A file could not be written completely; the previous file at `path` (if any) is untouched. */
export class FileWriteError extends EpyNNError {
  override name = 'FileWriteError';
  /** The file we tried to write. */
  readonly path: string;
  /** The system error code (ENOSPC, EACCES, EISDIR, ...) or 'SHORT_WRITE'. */
  readonly code: string;
  constructor(message: string, path: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
    this.code = code;
  }
}

/** A loss or a parameter became NaN or infinite during training. */
export class NonFiniteError extends EpyNNError {
  override name = 'NonFiniteError';
}

/** Throws `EpyNNError(msg())` when `cond` is false; the message is built only on failure. */
export function assert(cond: boolean, msg: () => string): asserts cond {
  if (!cond) throw new EpyNNError(msg());
}

/** Throws `ShapeError(msg())` when `cond` is false. */
export function assertShape(cond: boolean, msg: () => string): asserts cond {
  if (!cond) throw new ShapeError(msg());
}
