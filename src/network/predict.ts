import { NDArray, argmax, roundHalfEven } from '../commons/ndarray.js';

/** Decisions from outputs: argmax for one-hot labels, rounding half to even otherwise (np.around). */
export function decide(A: NDArray, encoded: boolean): NDArray {
  if (encoded) return argmax(A);
  return new NDArray(A.data.map(roundHalfEven), A.shape);
}
