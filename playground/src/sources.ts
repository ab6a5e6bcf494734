// The layers' TypeScript sources as text (Vite's `?raw`), cut into their numbered steps (lesson.ts).
import convBackward from '../../src/convolution/backward.ts?raw';
import convForward from '../../src/convolution/forward.ts?raw';
import convParameters from '../../src/convolution/parameters.ts?raw';
import denseBackward from '../../src/dense/backward.ts?raw';
import denseForward from '../../src/dense/forward.ts?raw';
import denseParameters from '../../src/dense/parameters.ts?raw';
import dropoutBackward from '../../src/dropout/backward.ts?raw';
import dropoutForward from '../../src/dropout/forward.ts?raw';
import embeddingBackward from '../../src/embedding/backward.ts?raw';
import embeddingForward from '../../src/embedding/forward.ts?raw';
import flattenBackward from '../../src/flatten/backward.ts?raw';
import flattenForward from '../../src/flatten/forward.ts?raw';
import gruBackward from '../../src/gru/backward.ts?raw';
import gruForward from '../../src/gru/forward.ts?raw';
import gruParameters from '../../src/gru/parameters.ts?raw';
import lstmBackward from '../../src/lstm/backward.ts?raw';
import lstmForward from '../../src/lstm/forward.ts?raw';
import lstmParameters from '../../src/lstm/parameters.ts?raw';
import commonsModels from '../../src/commons/models.ts?raw';
import poolingBackward from '../../src/pooling/backward.ts?raw';
import poolingForward from '../../src/pooling/forward.ts?raw';
import rnnBackward from '../../src/rnn/backward.ts?raw';
import rnnForward from '../../src/rnn/forward.ts?raw';
import rnnParameters from '../../src/rnn/parameters.ts?raw';
import { type CodeExcerpt, codeSteps } from './lesson.js';

type Files = { forward: string; backward: string; gradients?: string };
const RAW: Record<string, Files> = {
  Embedding: { forward: embeddingForward, backward: embeddingBackward },
  Convolution: { forward: convForward, backward: convBackward, gradients: convParameters },
  Dense: { forward: denseForward, backward: denseBackward, gradients: denseParameters },
  Pooling: { forward: poolingForward, backward: poolingBackward },
  Flatten: { forward: flattenForward, backward: flattenBackward },
  Dropout: { forward: dropoutForward, backward: dropoutBackward },
  RNN: { forward: rnnForward, backward: rnnBackward, gradients: rnnParameters },
  LSTM: { forward: lstmForward, backward: lstmBackward, gradients: lstmParameters },
  GRU: { forward: gruForward, backward: gruBackward, gradients: gruParameters },
};
const FILE = { forward: 'forward.ts', backward: 'backward.ts', gradients: 'parameters.ts' } as const;

const cache = new Map<string, CodeExcerpt[]>();

/** The numbered steps of a layer's source for a phase ('update': the shared SGD update). */
export function layerSteps(layer: string, phase: 'forward' | 'backward' | 'gradients'): CodeExcerpt[] {
  const key = `${layer}:${phase}`;
  let steps = cache.get(key);
  if (!steps) {
    const text = RAW[layer]?.[phase];
    steps = text === undefined ? [] : codeSteps(`src/${layer.toLowerCase()}/${FILE[phase]}`, text);
    cache.set(key, steps);
  }
  return steps;
}

/** The lines of optimizerUpdate (src/commons/models.ts), which every layer's updateParameters calls. */
export function updateExcerpt(): CodeExcerpt {
  const lines = commonsModels.split('\n');
  const start = Math.max(0, lines.findIndex((l) => l.startsWith('export function optimizerUpdate')));
  let end = start;
  while (end < lines.length && lines[end] !== '}') end++;
  return { label: '', file: 'src/commons/models.ts', line: start + 1, lines: lines.slice(start, end + 1) };
}
