// Messages between the page and the training worker.
import type { CustomData, MnistPack } from './datasets.js';
import type { Session } from './spec.js';
import type { BatchPoint } from './worker.js';

export type ToWorker =
  | { type: 'train'; session: Session; metrics: string[]; mnist?: MnistPack; custom?: CustomData; stop: SharedArrayBuffer | null }
  | { type: 'resume'; epochs?: number };

export type FromWorker =
  | { type: 'ready'; json: string; backend: 'wasm' | 'js'; threads: number }
  | { type: 'log'; text: string }
  /** Batches trained since the last message: their cost and accuracy (the streaming curves). */
  | { type: 'batches'; points: BatchPoint[] }
  /** The model while it trains (about once a second): the filters and feature maps follow it. */
  | { type: 'live'; json: string }
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batches: number; samplesPerSecond: number; seconds: number }
  | {
      type: 'epoch';
      epochsDone: number;
      metrics: Record<string, number[][]>;
      lrates: { name: string; lrate: number[] }[];
      confusion?: number[][];
      samplesPerSecond: number;
      /** Why training ran on one thread although more were asked for ('' when it did not). */
      threadsNote: string;
      /** Threads that trained: the worker's own plus its worker threads that took shards. */
      threadsUsed: number;
      /** The library's threadStats() in the training worker (shards computed, and on worker threads). */
      threadStats: { items: number; workerItems: number; workers: number };
      /** The library's training warnings (divergence). */
      warnings: string[];
      json: string;
    }
  | { type: 'done'; epochsDone: number }
  /** Stopped after a batch: the model as it is then (parameters mid-epoch), for the step-through. */
  | { type: 'stopped'; epochsDone: number; epoch: number; batch: number; batches: number; json: string }
  | { type: 'error'; message: string };
