// model.summary(): a table like Keras' model.summary(), with EpyNN's dimensions `d`.
import { StateError } from '../errors.js';
import { table } from '../commons/logs.js';
import { size } from '../commons/ndarray.js';
import type { EpyNN } from './models.js';

/** One row of the summary: a layer. */
export interface LayerSummaryRow {
  /** Index in model.layers. */
  index: number;
  /** Layer name (EpyNN's class name). */
  layer: string;
  /** Shape of the layer's output, the sample axis written m. */
  outputShape: string;
  /** EpyNN's dimensions d, but the sample count m. */
  dimensions: Record<string, number>;
  /** Number of parameter values (Σ of the sizes of `p`). */
  parameters: number;
  /** Of those, the values updates change (all but the layer's nonTrainableKeys; 0 for a layer that is not trainable). */
  trainableParameters: number;
  /** Whether updates change some of them. */
  trainable: boolean;
  /** The optimizer of a trainable layer (its name), '' otherwise. */
  optimizer: string;
}

/** What summary() computes, besides the text. */
export interface ModelSummary {
  rows: LayerSummaryRow[];
  /** Parameter values in all, in trainable layers, in the others. */
  total: number;
  trainable: number;
  nonTrainable: number;
  /** Bytes of the parameters (float64) and of the optimizer state (slots × trainable values). */
  parameterBytes: number;
  optimizerBytes: number;
  /** The table as printed. */
  text: string;
}

/** 1234567 → "1,234,567". */
const count = (n: number): string => n.toLocaleString('en-US');

/** Bytes in B, KB, MB or GB (1024-based, 1 decimal). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** The summary of an initialized (or read) model. */
export function modelSummary(model: EpyNN): ModelSummary {
  if (!model.initialized) throw new StateError('EpyNN.summary: the model is not initialized (call initialize or train first, or read a model)');
  const rows = model.layers.map((layer, index): LayerSummaryRow => {
    const shape = model.network.get(layer)?.FW_Shapes?.A ?? layer.fs.A;
    const outputShape = shape === undefined ? '?' : `(${['m', ...shape.slice(1)].join(', ')})`;
    const dimensions = Object.fromEntries(Object.entries(layer.d).filter(([k]) => k !== 'm'));
    const parameters = Object.values(layer.p).reduce((n, P) => n + size(P.shape), 0);
    const trainableParameters = layer.trainable
      ? Object.entries(layer.p).reduce((n, [key, P]) => n + (layer.nonTrainableKeys.includes(key) ? 0 : size(P.shape)), 0)
      : 0;
    const trainable = trainableParameters > 0;
    return { index, layer: layer.name, outputShape, dimensions, parameters, trainableParameters, trainable, optimizer: trainable ? layer.optimizer.name : '' };
  });
  const total = rows.reduce((n, r) => n + r.parameters, 0);
  const trainable = rows.reduce((n, r) => n + r.trainableParameters, 0);
  const optimizerValues = model.layers.reduce((n, layer, i) => n + layer.optimizer.slots * rows[i].trainableParameters, 0);
  const parameterBytes = total * 8;
  const optimizerBytes = optimizerValues * 8;
  const cells = [
    ['#', 'Layer', 'Output shape', 'Dimensions (d)', 'Parameters', 'Trainable'],
    ...rows.map((r) => [
      String(r.index), r.layer, r.outputShape,
      Object.entries(r.dimensions).map(([k, v]) => `${k}: ${v}`).join(', ') || '-',
      count(r.parameters),
      r.parameters === 0 ? '-' : !r.trainable ? 'no' : r.trainableParameters === r.parameters ? `yes (${r.optimizer})` : `${count(r.trainableParameters)} (${r.optimizer})`,
    ]),
  ];
  const lines = [
    `Model: ${model.name}`,
    table(cells),
    `Total parameters: ${count(total)} (${formatBytes(parameterBytes)} as float64)`,
    `Trainable parameters: ${count(trainable)}`,
    `Non-trainable parameters: ${count(total - trainable)}`,
    `Optimizer state: ${count(optimizerValues)} values (${formatBytes(optimizerBytes)}); model optimizer: ${model.optimizer.name}` +
      (model.clipNorm !== undefined ? `, clipNorm ${model.clipNorm}` : '') + (model.clipValue !== undefined ? `, clipValue ${model.clipValue}` : ''),
  ];
  return { rows, total, trainable, nonTrainable: total - trainable, parameterBytes, optimizerBytes, text: lines.join('\n') };
}
