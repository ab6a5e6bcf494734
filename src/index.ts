// epynn-ts public API: the one entry point.
export { EpyNNError, ShapeError } from './commons/errors.js';
export {
  NDArray, type Shape, type Nested, array, toNested, zeros, zerosLike, ones, full, reshape, fmt, size, sameShape,
  map, map2, add, sub, mul, scale, sum, sumAxis0, transpose, argmax, dot, roundHalfEven,
} from './commons/ndarray.js';
export { type Rng, seededRng } from './commons/rng.js';
export { Layer, sgdUpdate } from './commons/models.js';
export { E_SAFE, hadamard, clipGradient } from './commons/maths.js';
export { type HPars, seHPars, defaultHPars } from './settings.js';
export {
  type Activation, identity, relu, lrelu, elu, sigmoid, tanh, softmax,
  registerActivation, getActivation, activationName, nameOf,
} from './activation/functions.js';
export {
  type Initializer, xavier, orthogonal, registerInitializer, getInitializer, initializerName,
} from './initialization/functions.js';
