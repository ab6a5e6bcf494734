// EpyNN prints a debug dump and exits; a library throws typed errors instead.

/** Any error raised by epynn-ts on bad input or a failed model check. */
export class EpyNNError extends Error {
  override name = 'EpyNNError';
}

/** An array does not have the shape a layer or a function expects. */
export class ShapeError extends EpyNNError {
  override name = 'ShapeError';
}

/** Throws `EpyNNError(msg())` when `cond` is false; the message is built only on failure. */
export function assert(cond: boolean, msg: () => string): asserts cond {
  if (!cond) throw new EpyNNError(msg());
}

/** Throws `ShapeError(msg())` when `cond` is false. */
export function assertShape(cond: boolean, msg: () => string): asserts cond {
  if (!cond) throw new ShapeError(msg());
}
