// Strict options (issue #10 item 1): every entry point that takes an options object rejects a
// misspelled key and EpyNN's snake_case spelling of a key, naming the key, the entry point and the
// key it probably meant; a non-object where the options belong is rejected with the correct call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  BatchNormalization, Convolution, Dense, Dropout, EpyNN, EpyNNError, Embedding, Flatten, GRU, LSTM, LayerNormalization, Pooling, RNN,
  fromTFJS, lineChartSVG, linspace, modelTerminalChart, numpyRng, plotSVG, seededRng, terminalChart, toTFJS,
  adagrad, adam, adamw, earlyStopping, modelCheckpoint, reduceLROnPlateau, rmsprop, sgd,
} from '../../src/index.js';
import { readModel, writeModel, writePlot } from '../../src/node/index.js';
import { main } from '../../src/cli/main.js';
import { throwsWith } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'epynn-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const X = Array.from({ length: 12 }, (_, i) => [i % 3, (i * 7) % 5, i % 2]);
const Y = Array.from({ length: 12 }, (_, i) => i % 2);
function model(): EpyNN {
  return new EpyNN([new Embedding({ XData: X, YData: Y }), new Dense()], 'opts');
}
let trained: EpyNN | undefined;
function trainedModel(): EpyNN {
  trained ??= model().train({ epochs: 2, quiet: true, initLogs: false });
  return trained;
}

type Call = (options: any) => unknown;

/** [entry point as named in messages, call, misspelled key, its meaning, snake_case key, its camelCase]. */
const ENTRY_POINTS: [string, Call, string, string, string, string][] = [
  ['Dense', (o) => new Dense(o), 'unit', 'units', 'se_hPars', 'seHPars'],
  ['Convolution', (o) => new Convolution(o), 'unitFilter', 'unitFilters', 'unit_filters', 'unitFilters'],
  ['Convolution', (o) => new Convolution(o), 'filtersize', 'filterSize', 'filter_size', 'filterSize'],
  ['Convolution', (o) => new Convolution(o), 'usebias', 'useBias', 'use_bias', 'useBias'],
  ['Pooling', (o) => new Pooling(o), 'poolsize', 'poolSize', 'pool_size', 'poolSize'],
  ['Dropout', (o) => new Dropout(o), 'dropPro', 'dropProb', 'drop_prob', 'dropProb'],
  ['Flatten', (o) => new Flatten(o), 'units', '', 'se_hPars', ''],
  ['BatchNormalization', (o) => new BatchNormalization(o), 'momentun', 'momentum', 'se_hPars', 'seHPars'],
  ['LayerNormalization', (o) => new LayerNormalization(o), 'epsilom', 'epsilon', 'se_hPars', 'seHPars'],
  ['RNN', (o) => new RNN(o), 'unitcell', 'unitCells', 'unit_cells', 'unitCells'],
  ['RNN', (o) => new RNN(o), 'sequence', 'sequences', 'clip_gradients', 'clipGradients'],
  ['LSTM', (o) => new LSTM(o), 'activateOuput', 'activateOutput', 'activate_output', 'activateOutput'],
  ['GRU', (o) => new GRU(o), 'activateUpdat', 'activateUpdate', 'activate_reset', 'activateReset'],
  ['Embedding', (o) => new Embedding({ XData: X, ...o }), 'YDta', 'YData', 'X_encode', 'XEncode'],
  ['Embedding', (o) => new Embedding({ XData: X, ...o }), 'batchsize', 'batchSize', 'batch_size', 'batchSize'],
  ['Embedding', (o) => new Embedding({ XData: X, ...o }), 'relativeSizes', 'relativeSize', 'relative_size', 'relativeSize'],
  ['Embedding', (o) => new Embedding({ XData: X, ...o }), 'XScal', 'XScale', 'X_scale', 'XScale'],
  ['EpyNN.initialize', (o) => model().initialize({ quiet: true, ...o }), 'metric', 'metrics', 'se_hPars', 'seHPars'],
  ['EpyNN.initialize', (o) => model().initialize({ quiet: true, ...o }), 'seeds', 'seed', 'se_hpars', 'seHPars'],
  ['EpyNN.train', (o) => model().train({ epochs: 1, quiet: true, ...o }), 'verbos', 'verbose', 'init_logs', 'initLogs'],
  ['EpyNN.predict', (o) => trainedModel().predict(X, o), 'XEncod', 'XEncode', 'X_scale', 'XScale'],
  ['EpyNN.write', (o) => trainedModel().write(join(dir, 'm.json'), o), 'includData', 'includeData', 'include_data', 'includeData'],
  ['EpyNN.toJSON', (o) => trainedModel().toJSON(o), 'includData', 'includeData', 'include_data', 'includeData'],
  ['EpyNN.plot', (o) => trainedModel().plot({ path: join(dir, 'p.svg'), ...o }), 'titel', 'title', 'x_label', 'xLabel'],
  ['writeModel', (o) => writeModel(trainedModel(), join(dir, 'w.json'), o), 'includData', 'includeData', 'include_data', 'includeData'],
  ['writePlot', (o) => writePlot(trainedModel(), { path: join(dir, 'w.svg'), ...o }), 'widht', 'width', 'y_label', 'yLabel'],
  ['plotSVG', (o) => plotSVG(trainedModel(), o), 'heigth', 'height', 'sub_title', 'subtitle'],
  ['lineChartSVG', (o) => lineChartSVG([], o), 'titl', 'title', 'x_label', 'xLabel'],
  ['terminalChart', (o) => terminalChart([], o), 'widt', 'width', 'x_0', 'x0'],
  ['modelTerminalChart', (o) => modelTerminalChart(trainedModel(), o), 'metric', 'metrics', 'Width', 'width'],
  ['EpyNN.setData', (o) => trainedModel().setData({ XData: X, ...o }), 'YDat', 'YData', 'Y_data', 'YData'],
  ['EpyNN.train: data', (o) => model().train({ epochs: 1, quiet: true, data: { XData: X, ...o } }), 'Ydata', 'YData', 'Y_data', 'YData'],
  ['readModel', (o) => readModel(join(dir, 'm.json'), o), 'maxByte', 'maxBytes', 'max_bytes', 'maxBytes'],
  ['linspace', (o) => linspace(0, 1, 5, o), 'endpont', 'endpoint', 'end_point', 'endpoint'],
  ['Rng.choice', (o) => seededRng(1).choice(5, 2, o), 'replac', 'replace', 'Replace', 'replace'],
  ['NumpyRng.choice', (o) => numpyRng(1).choice(5, 2, o), 'replac', 'replace', 'P', 'p'],
  ['fromTFJS', (o) => { const a = toTFJS(trainedModel()); return fromTFJS(a.modelJSON, a.weightData, o); }, 'los', 'loss', 'Loss', 'loss'],
  ['EpyNN.initialize', (o) => model().initialize({ quiet: true, ...o }), 'optimiser', 'optimizer', 'clip_norm', 'clipNorm'],
  ['EpyNN.train', (o) => model().train({ epochs: 1, quiet: true, ...o }), 'callback', 'callbacks', 'init_logs', 'initLogs'],
  ['sgd', (o) => sgd(o), 'momentun', 'momentum', 'weight_decay', 'weightDecay'],
  ['adam', (o) => adam(o), 'amsgrd', 'amsgrad', 'weight_decay', 'weightDecay'],
  ['adamw', (o) => adamw(o), 'epsilom', 'epsilon', 'weight_decay', 'weightDecay'],
  ['rmsprop', (o) => rmsprop(o), 'centred', 'centered', 'weight_decay', 'weightDecay'],
  ['adagrad', (o) => adagrad(o), 'lrDecy', 'lrDecay', 'lr_decay', 'lrDecay'],
  ['earlyStopping', (o) => earlyStopping(o), 'patiance', 'patience', 'restore_best_weights', 'restoreBestWeights'],
  ['modelCheckpoint', (o) => modelCheckpoint({ path: join(dir, 'c.json'), ...o }), 'saveBestOnli', 'saveBestOnly', 'save_best_only', 'saveBestOnly'],
  ['reduceLROnPlateau', (o) => reduceLROnPlateau(o), 'minlr', 'minLr', 'min_lr', 'minLr'],
  // seHPars keep EpyNN's spelling: camelCase is the "wrong" spelling there
  ['Dense: seHPars', (o) => new Dense({ seHPars: o }), 'learning_rat', 'learning_rate', 'learningRate', 'learning_rate'],
  ['EpyNN.initialize: seHPars', (o) => model().initialize({ quiet: true, seHPars: o }), 'LRELU_alph', 'LRELU_alpha', 'softmaxTemperature', 'softmax_temperature'],
  ['RNN: seHPars', (o) => new RNN({ seHPars: o }), 'schedul', 'schedule', 'decayK', 'decay_k'],
];

describe('every option-taking entry point rejects unknown keys', () => {
  test.each(ENTRY_POINTS)('%s rejects a misspelled key', (where, call, bad, meant) => {
    const what = where.endsWith('seHPars') ? 'seHPars key' : 'option';
    throwsWith(() => call({ [bad]: 1 }), EpyNNError, `${where.replace(/: seHPars$/, '')}: unknown ${what} '${bad}'`, meant ? `did you mean '${meant}'?` : /Known options: \(none\)/);
  });

  test.each(ENTRY_POINTS)('%s rejects a snake_case (or camelCase) spelling', (where, call, _bad, _meant, snake, camel) => {
    const what = where.endsWith('seHPars') ? 'seHPars key' : 'option';
    throwsWith(() => call({ [snake]: 1 }), EpyNNError, `unknown ${what} '${snake}'`, camel ? `did you mean '${camel}'?` : /Known options/);
  });

  test('a snake_case option names EpyNN spelling as the cause', () => {
    throwsWith(() => new Convolution({ unit_filters: 6, filter_size: [4, 4] } as never), EpyNNError, "Convolution: unknown option 'unit_filters' — did you mean 'unitFilters'? (options are camelCase here");
  });

  test('the known options are listed', () => {
    throwsWith(() => new Dense({ size: 3 } as never), EpyNNError, 'Known options: units, activate, initialization, seHPars');
  });

  test('a key nothing resembles gets no suggestion', () => {
    let msg = '';
    try {
      new Pooling({ zzzzzz: 1 } as never);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^Pooling: unknown option 'zzzzzz'\. Known options: poolSize, strides, pool, seHPars$/);
  });

  test('undefined values of known keys and no options at all are fine', () => {
    expect(new Dense({ units: undefined }).d.u).toBe(1);
    expect(new Dense().d.u).toBe(1);
  });

  test('the CLI suggests the flag it probably meant', async () => {
    const lines: string[] = [];
    const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };
    const code = await main(['run', 'dummy_boolean', '--epoch', '3'], io as never, async () => ({}));
    expect(code).not.toBe(0);
    expect(lines.join('\n')).toContain('unknown option --epoch (did you mean --epochs?)');
  });
});

describe('a non-object where the options belong shows the correct call', () => {
  test.each([
    ['new RNN(10)', () => new RNN(10 as never), 'RNN: expected an options object, got 10; write new RNN({ unitCells: 10 })'],
    ['new LSTM(8)', () => new LSTM(8 as never), 'write new LSTM({ unitCells: 8 })'],
    ['new GRU(4)', () => new GRU(4 as never), 'write new GRU({ unitCells: 4 })'],
    ['new Dense(4)', () => new Dense(4 as never), 'Dense: expected an options object, got 4; write new Dense({ units: 4 })'],
    ['new Convolution(6)', () => new Convolution(6 as never), 'write new Convolution({ unitFilters: 6 })'],
    ['new Pooling(2)', () => new Pooling(2 as never), 'write new Pooling({ poolSize: 2 })'],
    ['new Dropout(0.2)', () => new Dropout(0.2 as never), 'write new Dropout({ dropProb: 0.2 })'],
    ['new Flatten(1)', () => new Flatten(1 as never), 'write new Flatten({ ... })'],
    ['new Embedding(X)', () => new Embedding(X as never), 'Embedding: expected an options object, got [[0, 0, 0], [1, 2, 1], [2, 4, 0]'],
    ['new Dense([4])', () => new Dense([4] as never), 'write new Dense({ units: 4 })'],
    ['new Dense(null)', () => new Dense(null as never), 'got null'],
    ["initialize('MSE')", () => model().initialize('MSE' as never), "write model.initialize({ loss: 'MSE' })"],
    ['train(10)', () => model().train(10 as never), 'EpyNN.train: expected an options object, got 10; write model.train({ epochs: 10 })'],
    ['train()', () => model().train(undefined as never), 'EpyNN.train: epochs is required'],
    ['predict(X, true)', () => trainedModel().predict(X, true as never), 'write model.predict(X, { XEncode: true })'],
    ["plot('x.svg')", () => trainedModel().plot('x.svg' as never), "write model.plot({ path: 'x.svg' })"],
  ])('%s', (_name, f, message) => {
    throwsWith(f, EpyNNError, message);
  });
});

describe('prototype keys are never read', () => {
  test.each([
    ['layer options', () => new Dense(JSON.parse('{"__proto__": {"units": 5}}')), "Dense: the option '__proto__' is not allowed"],
    ['constructor key', () => new Dense({ constructor: 1 } as never), "Dense: the option 'constructor' is not allowed"],
    ['prototype key', () => new Pooling({ prototype: 1 } as never), "Pooling: the option 'prototype' is not allowed"],
    ['initialize', () => model().initialize(JSON.parse('{"__proto__": {"loss": "MAE"}}')), "EpyNN.initialize: the option '__proto__' is not allowed"],
    ['seHPars', () => model().initialize({ quiet: true, seHPars: JSON.parse('{"__proto__": {"learning_rate": 5}}') }), "the seHPars key '__proto__' is not allowed"],
    ['metrics', () => model().initialize({ quiet: true, metrics: ['__proto__'] }), "EpyNN.initialize: the metric name '__proto__' is not allowed"],
    ['metrics constructor', () => model().initialize({ quiet: true, metrics: ['constructor'] }), "the metric name 'constructor' is not allowed"],
  ])('%s', (_name, f, message) => {
    throwsWith(f, EpyNNError, message);
  });

  test('an inherited option (object literal __proto__) is not read', () => {
    const layer = new Dense({ __proto__: { units: 5 } } as never);
    expect(layer.d.u).toBe(1);
  });

  test("the caller's options object is not mutated", () => {
    const o = Object.freeze({ units: 3, seHPars: Object.freeze({ learning_rate: 0.5 }) });
    const layer = new Dense(o as never);
    expect(layer.d.u).toBe(3);
    expect(layer.seHPars).not.toBe(o.seHPars);
  });
});
