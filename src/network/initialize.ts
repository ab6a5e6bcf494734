// EpyNN's check pass ("EpyNN Check"): one dry training step on the first batch, without the update.
import { EpyNNError } from '../errors.js';
import { type Layer, checkLayerOutput } from '../commons/models.js';
import { type Shape, fmt } from '../commons/ndarray.js';
import { numpyRng } from '../commons/numpy_rng.js';
import type { EpyNN } from './models.js';

/**
 * Seeds every layer: layer i gets seed + i + 1 (EpyNN model_assign_seeds; see docs/PORTING.md for seed 0).
 * In compat: 'epynn' mode each layer gets NumPy's default_rng with EpyNN's seeds, `if seed: seed += 1`
 * included (seed 0 gives every layer seed 0), and the Embedding's dtrain order restarts from dtrain's.
 */
export function modelAssignSeeds(model: EpyNN): void {
  const seed = model.seed;
  if (model.compat === 'epynn') {
    let s = seed;
    for (const layer of model.layers) {
      if (s) s += 1;
      layer.o.seed = s;
      layer.rng = numpyRng(s);
    }
    const n = model.embedding.dtrain.active ? model.embedding.dtrain.X.shape[0] : 0;
    model.embedding.zipOrder = Array.from({ length: n }, (_, i) => i);
    return;
  }
  model.embedding.zipOrder = undefined;
  model.layers.forEach((layer, i) => layer.seed(seed === undefined ? undefined : seed + i + 1));
}

/** The error thrown when the check fails, with EpyNN's debug information. */
export function checkFailed(layer: Layer, stage: string, cause: unknown): EpyNNError {
  for (const [cache, shapes] of [[layer.fc, layer.fs], [layer.bc, layer.bs]] as const) layer.updateShapes(cache, shapes);
  const dims = Object.entries(layer.d).map(([k, v]) => `${k}: ${v}`).join(', ') || '(none)';
  const shapes = (s: Record<string, Shape>): string => Object.entries(s).map(([k, v]) => `  ${k}: ${fmt(v)}`).join('\n') || '  (none)';
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new EpyNNError(
    `EpyNN check failed in ${layer.name}.${stage}(): ${reason}\n` +
      `Known dimensions\n  ${dims}\n` +
      `Known forward shapes\n${shapes(layer.fs)}\n` +
      `Known backward shapes\n${shapes(layer.bs)}`,
    { cause },
  );
}

/** Runs one stage of the check on a layer, turning any failure into a checkFailed error. */
function stage<T>(layer: Layer, name: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw checkFailed(layer, name, err);
  }
}

/**
 * computeShapes, initializeParameters (if params), forward on every layer, then the loss
 * derivative, backward and computeGradients in reverse order; no parameter update.
 */
export function modelInitialize(model: EpyNN, params = true): void {
  // Retrieve sample batch
  const batch = model.embedding.trainingBatches()[0];
  let A = batch.X; // Features
  const Y = batch.Y!; // Labels
  const out = model.logger;

  out.line('--- EpyNN Check ---');
  for (const layer of model.layers) {
    model.network.set(layer, { Layer: layer.name, Activation: { ...layer.activation }, Dimensions: layer.d });

    // Dense handles the softmax Jacobian (hadamard); a layer that does not declare it can not use softmax
    if (Object.values(layer.activation).includes('softmax') && !layer.traits.softmaxJacobian) {
      throw checkFailed(layer, 'initialize', new EpyNNError(`Softmax can not be used with ${layer.name}, only with Dense`));
    }
    out.line(`Layer: ${layer.name}`);
    const X = A;
    stage(layer, 'computeShapes', () => layer.computeShapes(X));
    if (params) stage(layer, 'initializeParameters', () => layer.initializeParameters());
    A = stage(layer, 'forward', () => checkLayerOutput(layer, 'forward', layer.forward(X)));
    out.line(`shape: ${fmt(layer.fs.A ?? A.shape)}`);
    model.network.get(layer)!.FW_Shapes = layer.fs;
  }

  // Compute derivative of loss function
  let dX = model.trainingLoss(Y, A, true);

  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i];
    const dA = dX;
    dX = stage(layer, 'backward', () => checkLayerOutput(layer, 'backward', layer.backward(dA)));
    out.line(`${layer.name} backward shape: ${fmt(layer.bs.dX ?? dX.shape)}`);
    model.network.get(layer)!.BW_Shapes = layer.bs;
    stage(layer, 'computeGradients', () => layer.computeGradients());
  }
  out.line('--- EpyNN Check OK! ---');
}
