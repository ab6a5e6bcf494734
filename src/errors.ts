// EpyNN prints a debug dump and exits; a library throws typed errors instead.
// Which class a failure gets is one rule, written down in docs/ERRORS.md:
//   ShapeError      an array (or a shape) is not what a layer or a function expects, or is too large;
//   StateError      a method was called out of order (backward before forward, predict before initialize);
//   NonFiniteError  a NaN or an infinity where a finite number is needed (data, hyperparameters, training);
//   ModelFileError  a model file (or its JSON) cannot be read, is corrupted or is inconsistent;
//   FileWriteError  a file could not be written completely (the previous file is untouched);
//   EpyNNError      everything else: a bad option, an unknown key, a value out of range, a wrong type.
// Every class extends EpyNNError, so `catch (e) { if (e instanceof EpyNNError) ... }` catches them all.

/** Any error raised by epynn-ts on bad input or a failed model check. */
export class EpyNNError extends Error {
  override name = 'EpyNNError';
}

/** An array does not have the shape a layer or a function expects (or is too large to allocate). */
export class ShapeError extends EpyNNError {
  override name = 'ShapeError';
}

/** A method was called before what it needs ran (backward before forward, gradients before backward). */
export class StateError extends EpyNNError {
  override name = 'StateError';
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

/**
 * A NaN or an infinity where a finite number is required: in data, hyperparameters, inputs to
 * predict, or a loss or a parameter during training.
 */
export class NonFiniteError extends EpyNNError {
  override name = 'NonFiniteError';
}
