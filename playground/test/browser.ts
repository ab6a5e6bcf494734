// `npm run test:browser`: the BUILT playground (npm run build:playground) in real Chromium.
// Serves playground/dist with `vite preview` on 127.0.0.1 (COOP/COEP headers), drives the system Chromium
// (CHROME_PATH, else /usr/bin/chromium; playwright-core never downloads a browser) headless, and checks
// what a user does: load, train, draw, save/reload/load, break the network. Screenshots go to a folder
// printed at the start. Last line: `browser tests: N passed, M failed`; exit code 1 if any failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { preview } from 'vite';
import { type EpyNN, type NDArray, metricsFunctions, setThreads } from '../../src/index.js';
import { type MnistPack, parseMnistPack } from '../src/datasets.js';
import { buildModel, initializeModel } from '../src/network.js';
import { fromHash, toHash } from '../src/share.js';
import { type Session, defaultSession, layerSpec } from '../src/spec.js';
import { Stepper } from '../src/stepper.js';
import { crc32 } from '../src/zip.js';
import { deflateSync } from 'node:zlib';
import { build } from 'esbuild';
import * as fdlibm from '../../src/fdlibm.js';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const shots = resolve(process.env.SCREENSHOT_DIR ?? join(root, 'test-screenshots'));
const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

const results: { name: string; ok: boolean; detail: string }[] = [];
const docsImages = resolve(root, '..', 'docs', 'images');

// ---- The same experiments in Node (the library as the CLI runs it), to compare with the page

let mnistPack: MnistPack | undefined;
async function nodeMnist(): Promise<MnistPack> {
  const buf = readFileSync(join(root, 'public', 'mnist-digits.bin'));
  mnistPack ??= await parseMnistPack(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return mnistPack;
}

/** The session's network initialized with its seed (and optimizer), as the page and its worker do. */
async function nodeModel(s: Session, metrics: string[]): Promise<EpyNN> {
  const m = buildModel(s, s.data.kind === 'mnist' ? await nodeMnist() : undefined);
  return initializeModel(m, s, metrics);
}

/** A small MNIST CNN experiment (fast enough for the suite). */
function smallCNN(): Session {
  const s = defaultSession('mnist');
  s.data.samples = 600;
  s.layers = [layerSpec('Convolution', { unitFilters: 4, filterSize: 3, padding: 1 }), layerSpec('Pooling'), layerSpec('Flatten'),
    layerSpec('Dense', { units: 16 }), layerSpec('Dense', { units: 10, activate: 'softmax' })];
  Object.assign(s.train, { epochs: 2, batchSize: 25, seed: 7 });
  return s;
}

/** The value at "Z[0,10,10,0]" in a layer's array. */
function cellValue(a: NDArray, cell: string): number {
  const at = cell.replace(/^.*\[/, '').replace(/\]$/, '').split(',').map(Number);
  const k = at.reduce((acc, v, i) => acc * a.shape[i] + v, 0);
  return a.data[k];
}

/**
 * A screenshot for the README: into the screenshot folder, and into docs/images when DOCS_IMAGES=1
 * (`DOCS_IMAGES=1 npm run test:browser` regenerates the README's pictures).
 */
async function docShot(page: Page, selector: string, name: string): Promise<void> {
  const path = join(shots, name);
  await page.locator(selector).screenshot({ path });
  if (process.env.DOCS_IMAGES === '1') writeFileSync(join(docsImages, name), readFileSync(path));
}

/** A grey PNG (8 bits, no filter) of w × h levels 0..255, for the image upload test. */
function greyPNG(w: number, h: number, level: (x: number, y: number) => number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8 bits, grey, deflate, no filter method, no interlace
  const raw = Buffer.alloc(h * (w + 1));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw[y * (w + 1) + 1 + x] = Math.max(0, Math.min(255, Math.round(level(x, y))));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The files of a stored (uncompressed) zip, read through its central directory. */
function readStoredZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.length - 22;
  assert(zip.readUInt32LE(end) === 0x06054b50, 'the zip has no end-of-central-directory record');
  const out = new Map<string, Buffer>();
  let p = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    assert(zip.readUInt32LE(p) === 0x02014b50 && zip.readUInt16LE(p + 10) === 0, 'not a stored zip entry');
    const nameLen = zip.readUInt16LE(p + 28);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const local = zip.readUInt32LE(p + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out.set(name, zip.subarray(start, start + zip.readUInt32LE(p + 20)));
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return out;
}

/** Clicks the cell (r, c) of the first canvas of array `key` in the stepper's page; returns the explanation's attributes. */
async function explainCell(page: Page, key: string, r: number, c: number, slice = 0): Promise<{ cell: string; cached: string; sum: string; terms: number }> {
  const canvas = page.locator(`#step-page .tensor[data-key="${key}"] canvas`).nth(slice);
  const px = Number(await canvas.getAttribute('data-px'));
  await canvas.click({ position: { x: c * px + px / 2, y: r * px + px / 2 } });
  const ex = page.locator('#step-page .explain');
  await ex.waitFor();
  return { cell: (await ex.getAttribute('data-cell'))!, cached: (await ex.getAttribute('data-cached'))!, sum: (await ex.getAttribute('data-sum'))!, terms: Number(await ex.getAttribute('data-terms')) };
}
let current: Page | undefined; // screenshot on failure
// BROWSER_ONLY=<regex>: run only the checks whose name matches (while developing; the summary says how many ran)
const only = process.env.BROWSER_ONLY ? new RegExp(process.env.BROWSER_ONLY) : undefined;
async function check(name: string, fn: () => Promise<string | void>): Promise<void> {
  if (only && !only.test(name)) return;
  const t0 = Date.now();
  try {
    const detail = (await fn()) ?? '';
    results.push({ name, ok: true, detail });
    console.log(`  ✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${detail ? ` — ${detail}` : ''}`);
  } catch (err) {
    results.push({ name, ok: false, detail: String(err) });
    await current?.screenshot({ path: join(shots, `failed-${results.length}.png`), fullPage: true }).catch(() => {});
    console.log(`  ✗ ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

/** A vertical stroke (a "1") in the middle of the drawing pad, with real mouse events. */
async function drawOne(page: Page): Promise<void> {
  await page.click('#clear');
  const box = (await page.locator('#pad').boundingBox())!;
  const x = box.x + box.width * 0.5;
  await page.mouse.move(x, box.y + box.height * 0.18);
  await page.mouse.down();
  for (let k = 1; k <= 20; k++) await page.mouse.move(x + k * 0.2, box.y + box.height * (0.18 + (0.64 * k) / 20));
  await page.mouse.up();
}

/** The predicted class and every class probability (full precision) shown under the pad. */
async function drawnPrediction(page: Page): Promise<{ predicted: string; best: string; p: string[] }> {
  await page.waitForSelector('#predicted', { timeout: 10_000 });
  const predicted = (await page.getAttribute('#predicted', 'data-class')) ?? '';
  const best = (await page.getAttribute('#probs .bar.best', 'data-class')) ?? '';
  const p = await page.locator('#probs .bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-p') ?? ''));
  return { predicted, best, p };
}

async function main(): Promise<number> {
  if (!existsSync(join(dist, 'index.html'))) {
    console.log(`browser tests: ${dist} is missing: run \`npm run build:playground\` first`);
    console.log('browser tests: 0 passed, 1 failed');
    return 1;
  }
  if (!existsSync(chrome)) {
    console.log(`browser tests: no Chromium at ${chrome} (apt-get install -y chromium, or set CHROME_PATH)`);
    console.log('browser tests: 0 passed, 1 failed');
    return 1;
  }
  mkdirSync(shots, { recursive: true });
  console.log(`browser tests: screenshots in ${shots}`);

  const server = await preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const url = server.resolvedUrls?.local[0];
  assert(url, 'vite preview did not report its URL');
  console.log(`browser tests: serving ${dist} at ${url}, Chromium ${chrome}`);

  const profile = mkdtempSync(join(tmpdir(), 'epynn-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chrome, headless: true, args: FLAGS, acceptDownloads: true, viewport: { width: 1500, height: 1100 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    current = page;
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
      if (msg.type() === 'info' && msg.text().startsWith('playground:')) console.log(`    (page) ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(String(err)));
    page.setDefaultTimeout(30_000);

    let loadStart = 0;
    await check('the page loads without console errors (cross-origin isolated, check pass green)', async () => {
      loadStart = Date.now();
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForSelector('#check.ok', { timeout: 30_000 });
      await page.screenshot({ path: join(shots, '1-loaded.png'), fullPage: true });
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      const iso = await page.evaluate(() => crossOriginIsolated);
      assert(iso, 'the page is not cross-origin isolated (COOP/COEP headers missing)');
      return `check pass: ${await page.textContent('#check')}`;
    });

    let firstEpoch = '';
    await check('the default MNIST CNN trains one epoch on >= 2,000 digits to >= 0.85 validation accuracy, and the chart shows it', async () => {
      const samples = Number(await page.inputValue('#samples'));
      assert(samples * 0.8 >= 2000, `the default trains on ${samples * 0.8} digits, expected >= 2,000`);
      await page.fill('#epochs', '1');
      await page.dispatchEvent('#epochs', 'change');
      await page.click('#train');
      // the page stays responsive while the worker trains: the drawing pad answers during training
      await page.waitForSelector('#status:has-text("samples/s")', { timeout: 60_000 });
      const responsive = await page.evaluate(() => new Promise<number>((done) => { const t = performance.now(); requestAnimationFrame(() => done(performance.now() - t)); }));
      await page.waitForSelector('#status[data-state="done"]', { timeout: 180_000 });
      firstEpoch = (await page.evaluate(() => document.body.dataset.firstEpochSeconds)) ?? '';
      const acc = Number(await page.locator('#report td[data-metric="accuracy"][data-set="dval"]').last().textContent());
      assert(acc >= 0.85, `validation accuracy ${acc} < 0.85`);
      const markers = await page.locator('.chart[data-metric="accuracy"] g.series[data-dataset="dval"] circle').count();
      assert(markers === 1, `the accuracy chart has ${markers} dval points, expected 1`);
      const sps = await page.textContent('#sps');
      // Data parallelism: on a machine with 2+ cores the training worker starts worker threads of its own
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const kernels = (await page.textContent('#kernels')) ?? '';
      // The badge says how many threads did the work (the training worker, plus its worker threads when they
      // took shards of the batches), not how many were asked for
      const used = Number(await page.getAttribute('#kernels', 'data-threads'));
      assert(used >= 1 && kernels.includes(used === 1 ? ', 1 thread' : `, ${used} threads`), `the kernels badge says '${kernels}' but ${used} thread(s) trained`);
      if (cores >= 2) {
        const workers = page.workers().length;
        assert(workers >= 2, `${workers} Web Worker(s) in the page, expected the training worker and its worker threads`);
      }
      // at 1440 px the loss columns of the report are in view (they come first, one lrate column)
      await page.setViewportSize({ width: 1440, height: 1000 });
      const [report, lossCell] = await Promise.all([page.locator('#report').boundingBox(), page.locator('#report td[data-set="dval"][data-metric="CCE"]').last().boundingBox()]);
      assert(report && lossCell && lossCell.x + lossCell.width <= report.x + report.width, `at 1440 px the dval loss column ends at ${lossCell?.x}+${lossCell?.width}, the report at ${report?.x}+${report?.width}`);
      await page.setViewportSize({ width: 1500, height: 1100 });
      await page.screenshot({ path: join(shots, '2-trained.png'), fullPage: true });
      await docShot(page, 'main', 'playground.png');
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `dval accuracy ${acc}, ${sps}, ${kernels}, a frame during training took ${responsive.toFixed(0)} ms, page load to first epoch ${firstEpoch} s in the page (${((Date.now() - loadStart) / 1000).toFixed(1)} s test wall time)`;
    });

    let before: { predicted: string; best: string; p: string[] } | undefined;
    await check('a drawn "1" (a vertical stroke) is predicted as 1 with the highest probability', async () => {
      await drawOne(page);
      before = await drawnPrediction(page);
      await page.locator('#draw').screenshot({ path: join(shots, '3-drawn-one.png') });
      assert(before.predicted === '1' && before.best === '1', `predicted ${before.predicted} (highest bar ${before.best}), probabilities ${before.p.join(', ')}`);
      const p1 = Number(before.p[1]);
      assert(before.p.every((v, k) => k === 1 || Number(v) < p1), 'class 1 is not the highest probability');
      return `p(1) = ${p1.toFixed(3)}`;
    });

    await check('a saved model, after a reload without it, loads and predicts the same', async () => {
      assert(before, 'no prediction before saving');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
      const file = join(profile, 'saved-model.json');
      await download.saveAs(file);
      await page.evaluate(() => localStorage.removeItem('epynn-playground:model'));
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('#check.ok');
      const text = await page.textContent('#prediction');
      assert(text?.includes('Train (or load)'), `after the reload a model is still there: '${text}'`);
      await page.setInputFiles('#load', file);
      await page.waitForSelector('#model-info:has-text("Loaded")');
      await drawOne(page);
      const after = await drawnPrediction(page);
      assert(JSON.stringify(after.p) === JSON.stringify(before.p), `probabilities differ: ${before.p.join(',')} vs ${after.p.join(',')}`);
      // and the last session comes back by itself on the next reload (local storage)
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('#model-info:has-text("Restored")');
      await drawOne(page);
      const restored = await drawnPrediction(page);
      assert(JSON.stringify(restored.p) === JSON.stringify(before.p), 'the restored session predicts differently');
      await page.screenshot({ path: join(shots, '4-loaded.png'), fullPage: true });
      return `${after.p.length} probabilities identical after load and after restore`;
    });

    await check('the trained model exports to TF.js (one zip: model.json + weights) and ONNX', async () => {
      const downloads: string[] = [];
      const count = (d: { suggestedFilename(): string }): void => void downloads.push(d.suggestedFilename());
      page.on('download', count);
      const [zipped] = await Promise.all([page.waitForEvent('download'), page.click('#export-tfjs')]);
      await page.waitForTimeout(500); // a second download would have started by now
      page.off('download', count);
      assert(downloads.length === 1 && zipped.suggestedFilename().endsWith('-tfjs.zip'), `TF.js export started ${downloads.length} download(s): ${downloads.join(', ')}`);
      const zip = readFileSync((await zipped.path())!);
      const files = readStoredZip(zip);
      const modelJSON = JSON.parse(files.get('model.json')!.toString('utf8')) as { format: string; weightsManifest: { paths: string[]; weights: { shape: number[] }[] }[] };
      assert(modelJSON.format === 'layers-model', `model.json format '${modelJSON.format}'`);
      const floats = modelJSON.weightsManifest.flatMap((g) => g.weights).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
      const weightsName = modelJSON.weightsManifest[0].paths[0];
      const bytes = files.get(weightsName)?.length ?? -1;
      assert(bytes === 4 * floats, `${weightsName} in the zip has ${bytes} bytes, the manifest lists ${floats} float32 values`);
      if (existsSync('/usr/bin/unzip')) {
        const zipPath = join(profile, 'export.zip');
        writeFileSync(zipPath, zip);
        const test = spawnSync('/usr/bin/unzip', ['-t', zipPath], { encoding: 'utf8' });
        assert(test.status === 0, `unzip -t: ${test.stdout} ${test.stderr}`);
      }
      const [onnx] = await Promise.all([page.waitForEvent('download'), page.click('#export-onnx')]);
      const onnxBytes = statSync((await onnx.path())!).size;
      assert(onnx.suggestedFilename().endsWith('.onnx') && onnxBytes > 4 * floats, `ONNX file ${onnx.suggestedFilename()} of ${onnxBytes} bytes`);
      return `one download ${zipped.suggestedFilename()} (${zip.length} bytes: model.json, ${weightsName}); ${floats} weights; ONNX ${onnxBytes} bytes`;
    });

    await check('an invalid layer stack shows the check pass error, not a blank page', async () => {
      // a Convolution after Dense: its input is (m, 32), not an image
      await page.selectOption('#add-type', 'Convolution');
      await page.click('#add-layer');
      await page.waitForSelector('#check.error #check-error');
      const message = (await page.textContent('#check-error')) ?? '';
      assert(/Convolution/.test(message) && message.length > 20, `error text: '${message}'`);
      assert(await page.isDisabled('#train'), 'Train is enabled for an invalid network');
      const layers = await page.locator('#layers li').count();
      assert(layers === 7, `${layers} layer cards shown, expected 7`);
      await page.locator('#setup').screenshot({ path: join(shots, '5-invalid.png') });
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `"${message.split('\n')[0].slice(0, 140)}"`;
    });
    await check('Stop interrupts training in the worker and Resume trains on (dummy_time)', async () => {
      await page.selectOption('#dataset', 'dummy_time');
      await page.fill('#samples', '5000');
      await page.dispatchEvent('#samples', 'change');
      await page.waitForSelector('#check.ok');
      await page.fill('#epochs', '500'); // far more than runs before Stop
      await page.dispatchEvent('#epochs', 'change');
      await page.click('#train');
      await page.waitForSelector('#status:has-text("batch")', { timeout: 60_000 });
      await page.click('#stop');
      await page.waitForSelector('#status[data-state="stopped"]', { timeout: 60_000 });
      const stoppedStatus = (await page.textContent('#status')) ?? '';
      assert(/^Stopped in epoch \d+\/500 after batch \d+\/\d+/.test(stoppedStatus) && !/Stopping|epoch \d+\/500 · batch/.test(stoppedStatus), `after Stop the status says '${stoppedStatus}'`);
      const stoppedAt = await page.locator('#report tbody tr').count();
      assert(stoppedAt < 500, `training ran to the end (${stoppedAt} epochs) before Stop took effect`);
      assert(await page.isEnabled('#resume'), 'Resume is not enabled after Stop');
      // train 3 more epochs than were done when stopped
      await page.fill('#epochs', String(stoppedAt + 3));
      await page.dispatchEvent('#epochs', 'change');
      await page.click('#resume');
      await page.waitForSelector('#status[data-state="done"]', { timeout: 180_000 });
      const rows = await page.locator('#report tbody tr').count();
      assert(rows === stoppedAt + 3, `${rows} epochs in the report after Resume, expected ${stoppedAt + 3}`);
      const acc = Number(await page.locator('#report td[data-metric="accuracy"][data-set="dval"]').last().textContent());
      await page.screenshot({ path: join(shots, '6-dummy-time.png'), fullPage: true });
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `stopped after ${stoppedAt} epochs, resumed to ${rows}; dval accuracy ${acc}`;
    });

    // The page and Node compute the same bits: the library's exp, tanh, log, pow ... are its own TypeScript
    // (src/fdlibm.ts), not the engine's Math.* (which ECMAScript leaves implementation-approximated, and which
    // Chromium's V8 and Node 20's compute differently in the last bit for a few percent of arguments).

    await check('the library\'s exp, log, pow, tanh, sin ... (src/fdlibm.ts) give in Chromium the bits of Node\'s Math.*, which Chromium\'s own Math.* do not', async () => {
      const bundle = await build({ entryPoints: [resolve(root, '..', 'src', 'fdlibm.ts')], bundle: true, format: 'iife', globalName: 'fdlibmUnderTest', write: false, logLevel: 'silent' });
      await page.goto('about:blank');
      await page.addScriptTag({ content: bundle.outputFiles[0].text });
      const N = 30_000;
      const ranges: Record<string, [number, number]> = { exp: [-40, 40], expm1: [-5, 5], tanh: [-5, 5], log: [0, 10], log1p: [-0.9, 10], pow: [0, 4], sin: [-10, 10], cos: [-10, 10] };
      let seed = 12345;
      const unit = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const xs = Object.fromEntries(Object.entries(ranges).map(([k, [a, b]]) => [k, Array.from({ length: N }, () => a + (b - a) * unit())]));
      const ys = Array.from({ length: N }, () => -10 + 20 * unit()); // pow's exponents
      const M = Math as unknown as Record<string, (x: number, y?: number) => number>;
      const node = Object.fromEntries(Object.keys(ranges).map((k) => [k, xs[k].map((x, i) => M[k](x, ys[i]))]));
      // the library in Node is Node's Math (tests/commons/fdlibm.test.ts compares millions); one more look here
      const F = fdlibm as unknown as Record<string, (x: number, y: number) => number>;
      for (const k of Object.keys(ranges)) assert(xs[k].every((x, i) => Object.is(F[k](x, ys[i]), node[k][i])), `${k}: src/fdlibm.ts in Node is not Node's Math.${k}`);
      // in the page: how many differ from Node's bits, for the library and for Chromium's Math
      const off = await page.evaluate(([xs, ys, node]) => {
        const fd = (globalThis as unknown as { fdlibmUnderTest: Record<string, (x: number, y?: number) => number> }).fdlibmUnderTest;
        const M = Math as unknown as Record<string, (x: number, y?: number) => number>;
        return Object.fromEntries(Object.keys(xs).map((k) => [k, {
          fd: xs[k].filter((x, i) => !Object.is(fd[k](x, ys[i]), node[k][i])).length,
          math: xs[k].filter((x, i) => !Object.is(M[k](x, ys[i]), node[k][i])).length,
        }]));
      }, [xs, ys, node] as const);
      const lines: string[] = [];
      for (const k of Object.keys(ranges)) {
        assert(off[k].fd === 0, `${k}: src/fdlibm.ts in Chromium differs from Node's Math.${k} on ${off[k].fd} of ${N} arguments`);
        lines.push(`${k} ${off[k].math}`);
      }
      return `${N} arguments each: all identical; Chromium's own Math.* differ from Node's on ${lines.join(', ')}`;
    });

    await check('Pause training here: the worker stops after its batch (status says where) and the page steps on from its model', async () => {
      await page.goto('about:blank');
      await page.goto(`${url}#data=mnist&n=3000&epochs=4&run`, { waitUntil: 'load' });
      await page.waitForSelector('#status:has-text("batch")', { timeout: 60_000 });
      await page.click('#step-pause');
      await page.waitForSelector('#step-status[data-step]', { timeout: 60_000 });
      const status = (await page.textContent('#status')) ?? '';
      assert(/^Stopped in epoch \d+\/4 after batch \d+\/\d+/.test(status) && !status.includes('Stopping'), `the status says '${status}'`);
      const step = (await page.textContent('#step-status')) ?? '';
      assert(step.includes('from the paused training'), `the stepper says '${step}'`);
      await page.click('#step-batch');
      const loss = Number(await page.getAttribute('#step-status', 'data-loss'));
      assert(Number.isFinite(loss) && loss > 0, `batch loss ${loss}`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `${status.slice(0, 60)}…; a stepped batch from there: loss ${loss.toFixed(4)}`;
    });

    await check('a stepped batch shows the numbers of the library\'s layer caches, the same as Node with the same seed', async () => {
      const s = smallCNN();
      await page.goto('about:blank'); // a new document: the hash alone would not reload the page
      await page.goto(`${url}#${toHash(s, ['accuracy'])}`, { waitUntil: 'load' });
      await page.waitForSelector('#check.ok');
      await page.click('#step-start');
      // forward one layer at a time to the convolution, then its Z: the window of X and the filter
      await page.click('#step-forward');
      await page.click('#step-forward');
      const phase = await page.textContent('#step-net .node.current .nphase');
      assert(phase?.includes('forward'), `the network shows '${phase}' on the current layer, expected forward`);
      const z = await explainCell(page, 'Z', 12, 14, 2);
      assert(z.terms === 9, `Z's explanation has ${z.terms} terms, expected 3 × 3 × 1`);
      await docShot(page, '#stepper', 'playground-step-forward.png');
      // the whole batch, then the convolution's dX (6hw) and dW (1.1)
      await page.click('#step-batch');
      await page.click('#step-net .node[data-layer="1"]');
      await page.click('#step-page .tab[data-tab="backward"]');
      const dx = await explainCell(page, 'dX', 10, 12);
      await docShot(page, '#stepper', 'playground-step-dx.png');
      await page.click('#step-page .tab[data-tab="gradients"]');
      const dw = await explainCell(page, 'dW', 1, 2, 3);
      const loss = await page.getAttribute('#step-status', 'data-loss');
      // Node: the same session, the same seed, the same library calls
      const m = await nodeModel(s, ['accuracy']);
      const st = new Stepper(m);
      st.stepTo('forward');
      st.stepTo('forward');
      const conv = m.layers[1];
      const zNode = cellValue(conv.fc.Z, z.cell);
      st.finishBatch();
      const want = { z: String(zNode), dx: String(cellValue(conv.bc.dX, dx.cell)), dw: String(cellValue(conv.g.dW, dw.cell)), loss: String(st.loss!.data.reduce((a, v) => a + v, 0) / st.loss!.data.length) };
      const got = { z: z.cached, dx: dx.cached, dw: dw.cached, loss: loss! };
      for (const k of Object.keys(want) as (keyof typeof want)[]) assert(got[k] === want[k], `${k}: page ${got[k]} vs Node ${want[k]} (not bit for bit)`);
      // the page's own sums of the terms agree with the caches (to rounding: the kernels add in another order)
      for (const e of [z, dx, dw]) assert(Math.abs(Number(e.sum) - Number(e.cached)) <= 1e-12 * Math.max(1, Math.abs(Number(e.cached))), `${e.cell}: terms sum to ${e.sum}, the cache holds ${e.cached}`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `${z.cell} = ${z.cached}, ${dx.cell} = ${dx.cached} (${dx.terms} pairs), ${dw.cell} = ${dw.cached} (${dw.terms} samples), loss ${loss}: all 4 identical to Node's bits`;
    });


    await check('the gradient check on the current batch reports relative errors < 1e-6 for every layer; the diagnostics show every layer', async () => {
      // mean pooling: max pooling's backward (EpyNN's) sends the gradient to every tied maximum, which the
      // page's note explains and central differences do not follow
      const s = smallCNN();
      s.layers[1] = layerSpec('Pooling', { pool: 'mean' });
      await page.goto('about:blank');
      await page.goto(`${url}#${toHash(s, ['accuracy'])}`, { waitUntil: 'load' });
      await page.waitForSelector('#check.ok');
      await page.click('#step-start');
      await page.click('#step-batch');
      await page.click('#gradcheck');
      await page.waitForSelector('#gradcheck-table', { timeout: 60_000 });
      const rels = await page.locator('#gradcheck-table tbody tr').evaluateAll((trs) => trs.map((t) => [t.children[0].textContent, t.children[1].textContent, Number(t.getAttribute('data-rel'))] as const));
      assert(rels.length === 6, `${rels.length} parameter arrays checked, expected 6 (W and b of 3 layers)`);
      const bad = rels.filter((r) => !(r[2] < 1e-6));
      assert(bad.length === 0, `relative errors ≥ 1e-6: ${bad.map((r) => `${r[0]} ${r[1]} ${r[2]}`).join(', ')}`);
      const diag = await page.locator('#diagnostics tbody tr').count();
      const dead = await page.locator('#diagnostics td[data-dead]:not([data-dead=""])').count();
      assert(diag === 5 && dead === 2, `${diag} layers in the diagnostics (${dead} with a dead-ReLU fraction), expected 5 (2)`);
      await docShot(page, '#diag-box', 'playground-diagnostics.png');
      return `worst ${Math.max(...rels.map((r) => r[2])).toExponential(2)} over ${rels.map((r) => `${r[0]}.${r[1]}`).join(', ')}`;
    });

    await check('a shared link replays the run: the same bits on every opening, and Node\'s metrics with the same seed and settings', async () => {
      const s = smallCNN();
      const link = `${url}#${toHash(s, ['accuracy', 'fscore'], true)}`;
      const replay = async (): Promise<string[][]> => {
        await page.goto('about:blank');
        await page.goto(link, { waitUntil: 'load' });
        await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
        return page.locator('#report td[data-v]').evaluateAll((tds) => tds.map((t) => [t.getAttribute('data-metric')!, t.getAttribute('data-set')!, t.getAttribute('data-v')!]));
      };
      const cells = await replay();
      const back = fromHash(new URL(page.url()).hash, Object.keys(metricsFunctions()));
      assert(back && 'session' in back && JSON.stringify(back.session) === JSON.stringify(s), 'the page\'s address no longer holds the experiment');
      const again = await replay();
      assert(JSON.stringify(again) === JSON.stringify(cells), 'a second opening of the link gave other numbers');
      const m = await nodeModel(s, ['accuracy', 'fscore']);
      m.train({ epochs: s.train.epochs, quiet: true });
      const sets = ['dtrain', 'dval', 'dtest'];
      const want = Object.entries(m.metrics).flatMap(([name, per]) => per.flatMap((vals, k) => vals.map((v, e) => [e, name, sets[k], v] as const)));
      const got = new Map(cells.map((c, i) => [`${Math.floor(i / (cells.length / s.train.epochs))} ${c[0]} ${c[1]}`, Number(c[2])]));
      assert(got.size === want.length && got.size >= 8, `${got.size} report cells in the page, ${want.length} metric values in Node`);
      for (const [e, name, set, v] of want) {
        const g = got.get(`${e} ${name} ${set}`);
        assert(g !== undefined, `the page has no ${name} ${set} for epoch ${e}`);
        assert(String(g) === String(v), `epoch ${e} ${name} ${set}: page ${g}, Node ${v} (not bit for bit)`);
      }
      return `${got.size}/${got.size} metric values identical to Node's bits; two openings identical; dval accuracy ${m.metrics.accuracy[1].at(-1)}`;
    });

    await check('a recurrent experiment (dummy_time\'s sine, LSTM\'s sigmoid and tanh, softmax, BCE\'s log, Adam\'s pow, exp_decay\'s exp) steps a batch and replays with Node\'s bits', async () => {
      const s = defaultSession('dummy_time');
      s.data.samples = 200;
      s.layers = [layerSpec('LSTM', { unitCells: 6 }), layerSpec('Dense', { units: 2, activate: 'softmax' })];
      Object.assign(s.train, { loss: 'BCE', learningRate: 0.02, schedule: 'exp_decay', decayK: 0.05, cycleEpochs: 2, cycleDescent: 0.2, epochs: 3, batchSize: 16, seed: 5, optimizer: 'adam' });
      // one stepped batch: its loss
      await page.goto('about:blank');
      await page.goto(`${url}#${toHash(s, ['accuracy', 'precision'])}`, { waitUntil: 'load' });
      await page.waitForSelector('#check.ok');
      await page.click('#step-start');
      await page.click('#step-batch');
      const loss = await page.getAttribute('#step-status', 'data-loss');
      const first = await nodeModel(s, ['accuracy', 'precision']);
      const st = new Stepper(first);
      st.finishBatch();
      const wantLoss = String(st.loss!.data.reduce((a, v) => a + v, 0) / st.loss!.data.length);
      assert(loss === wantLoss, `the stepped batch's loss: page ${loss}, Node ${wantLoss} (not bit for bit)`);
      // the whole run from its link
      await page.goto('about:blank');
      await page.goto(`${url}#${toHash(s, ['accuracy', 'precision'], true)}`, { waitUntil: 'load' });
      await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
      const cells = await page.locator('#report td[data-v]').evaluateAll((tds) => tds.map((t) => [t.getAttribute('data-metric')!, t.getAttribute('data-set')!, t.getAttribute('data-v')!]));
      const m = await nodeModel(s, ['accuracy', 'precision']);
      m.train({ epochs: s.train.epochs, quiet: true });
      const sets = ['dtrain', 'dval', 'dtest'];
      const want = Object.entries(m.metrics).flatMap(([name, per]) => per.flatMap((vals, k) => vals.map((v, e) => [e, name, sets[k], v] as const)));
      const got = new Map(cells.map((c, i) => [`${Math.floor(i / (cells.length / s.train.epochs))} ${c[0]} ${c[1]}`, c[2]]));
      assert(got.size === want.length && got.size >= 12, `${got.size} report cells in the page, ${want.length} metric values in Node`);
      for (const [e, name, set, v] of want) assert(got.get(`${e} ${name} ${set}`) === String(v), `epoch ${e} ${name} ${set}: page ${got.get(`${e} ${name} ${set}`)}, Node ${v} (not bit for bit)`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `stepped batch loss ${loss} = Node's; ${got.size}/${got.size} metric values of 3 epochs identical to Node's bits (dval accuracy ${m.metrics.accuracy[1].at(-1)})`;
    });

    await check('a network that does not learn says so, with what learns the dataset (dummy_string at learning rate 1e-9)', async () => {
      await page.goto('about:blank');
      await page.goto(`${url}#data=dummy_string&n=480&loss=BCE&lr=1e-9&epochs=1&run`, { waitUntil: 'load' });
      await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
      const warning = (await page.locator('#warnings .majority').textContent({ timeout: 5_000 })) ?? '';
      assert(warning.includes('majority-class baseline') && warning.includes('What learns it') && warning.includes('sequences'), `the warning says '${warning}'`);
      return warning.slice(0, 140);
    });

    await check('the same seed trained with EpyNN\'s SGD and with Adam side by side: two curves, two accuracies', async () => {
      const s = smallCNN();
      s.train.epochs = 1;
      await page.goto('about:blank');
      await page.goto(`${url}#${toHash(s, ['accuracy'])}`, { waitUntil: 'load' });
      await page.waitForSelector('#check.ok');
      await page.click('#compare-box summary');
      await page.click('#compare-run');
      await page.waitForSelector('#compare-result[data-done="true"]', { timeout: 120_000 });
      const accs = await page.locator('#compare-result span[data-optimizer]').evaluateAll((spans) => spans.map((e) => [e.getAttribute('data-optimizer'), Number(e.getAttribute('data-acc'))] as const));
      const paths = await page.locator('#compare svg path').count();
      assert(accs.length === 2 && accs.every(([, a]) => a > 0.1) && accs[0][1] !== accs[1][1], `accuracies ${JSON.stringify(accs)}`);
      assert(paths === 4, `${paths} curves drawn, expected 2 optimizers × (cost, accuracy)`);
      // EpyNN's SGD here is the page's own training of the same session: the same dval accuracy
      const m = await nodeModel(s, ['accuracy']);
      m.train({ epochs: 1, quiet: true });
      assert(accs[0][1] === m.metrics.accuracy[1][0], `EpyNN SGD side: ${accs[0][1]}, Node: ${m.metrics.accuracy[1][0]}`);
      return accs.map(([o, a]) => `${o} ${a.toFixed(3)}`).join(', ');
    });

    await check('your own CSV: a broken file is named by row and column, a good one trains above the majority class', async () => {
      await page.goto('about:blank');
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForSelector('#check.ok');
      // two classes by a linear rule on two of three features, a header, string labels, sorted by label
      let seed = 3;
      const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      const rows = Array.from({ length: 300 }, () => {
        const [a, b, c] = [rnd() * 10, rnd() * 5, rnd()];
        return [a.toFixed(3), b.toFixed(3), c.toFixed(3), a / 10 + b / 5 > 1 ? 'high' : 'low'];
      }).sort((x, y) => (x[3] < y[3] ? -1 : 1));
      const csv = ['width,height,noise,label', ...rows.map((r) => r.join(','))].join('\n');
      const broken = csv.split('\n');
      broken[57] = broken[57].replace(/^[^,]*/, 'n/a');
      await page.setInputFiles('#csv', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(broken.join('\n')) });
      await page.waitForSelector('#csv-error');
      const message = (await page.textContent('#csv-error')) ?? '';
      assert(message.includes('row 58') && message.includes("'width'") && message.includes("'n/a'"), `the message does not name the row and column: '${message}'`);
      await page.setInputFiles('#csv', { name: 'shapes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.waitForFunction(() => (document.getElementById('dataset') as HTMLSelectElement).value === 'csv', undefined, { timeout: 30_000 });
      await page.waitForSelector('#check.ok');
      assert(await page.inputValue('#dataset') === 'csv', 'the dataset is not the CSV');
      await page.click('#train');
      await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
      const acc = Number(await page.locator('#report td[data-metric="accuracy"][data-set="dval"]').last().getAttribute('data-v'));
      const perClass = await page.locator('#confusion td.classacc').count();
      await page.locator('#training').screenshot({ path: join(shots, '9-csv.png') });
      assert(acc >= 0.85, `dval accuracy ${acc} on the CSV`);
      assert(perClass === 2, `${perClass} per-class accuracies, expected 2`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `"${message.slice(0, 90)}…"; then 300 rows trained to dval accuracy ${acc}`;
    });

    await check('your own images: an undecodable file is named, labelled PNGs (file-name prefixes) train above the majority class', async () => {
      await page.goto('about:blank');
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForSelector('#check.ok');
      // dark strokes on white, two classes: a vertical bar or a horizontal bar, at random places and sizes
      let seed = 11;
      const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      const files = Array.from({ length: 80 }, (_, i) => {
        const kind = i % 2 ? 'vbar' : 'hbar';
        const [w, h] = [40 + Math.floor(rnd() * 20), 40 + Math.floor(rnd() * 20)];
        const [cx, cy, len] = [10 + rnd() * 20, 10 + rnd() * 20, 12 + rnd() * 10];
        const png = greyPNG(w, h, (x, y) => {
          const on = kind === 'vbar' ? Math.abs(x - cx) < 2 && Math.abs(y - cy - len / 2) < len / 2 : Math.abs(y - cy) < 2 && Math.abs(x - cx - len / 2) < len / 2;
          return on ? 20 : 235 + rnd() * 20;
        });
        return { name: `${kind}_${i}.png`, mimeType: 'image/png', buffer: png };
      });
      await page.setInputFiles('#images', [...files.slice(0, 12), { name: 'vbar_broken.png', mimeType: 'image/png', buffer: Buffer.from('not a png') }]);
      await page.waitForSelector('#images-error', { timeout: 30_000 });
      const message = (await page.textContent('#images-error')) ?? '';
      assert(message.includes('vbar_broken.png') && message.includes('decode'), `the message does not name the file: '${message}'`);
      await page.setInputFiles('#images', files);
      await page.waitForFunction(() => (document.getElementById('dataset') as HTMLSelectElement).value === 'images', undefined, { timeout: 30_000 });
      await page.waitForSelector('#check.ok', { timeout: 30_000 });
      assert(await page.inputValue('#dataset') === 'images', 'the dataset is not the images');
      await page.click('#train');
      await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
      const acc = Number(await page.locator('#report td[data-metric="accuracy"][data-set="dval"]').last().getAttribute('data-v'));
      await docShot(page, '#inside', 'playground-images.png');
      assert(acc >= 0.8, `dval accuracy ${acc} on the two shapes`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `"${message.slice(0, 80)}…"; 80 PNGs of 40-59 px trained to dval accuracy ${acc}`;
    });

    await check('draw your own dataset: drawings of two classes become the dataset and train', async () => {
      await page.goto('about:blank');
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForSelector('#check.ok');
      await page.click('#own-drawings summary');
      const box = (await page.locator('#pad').boundingBox())!;
      for (let i = 0; i < 12; i++) {
        const dash = i % 2 === 1;
        await page.mouse.move(box.x + box.width * (dash ? 0.2 : 0.45 + 0.02 * i), box.y + box.height * (dash ? 0.4 + 0.02 * i : 0.2));
        await page.mouse.down();
        for (let k = 1; k <= 10; k++) {
          const t = 0.6 * (k / 10);
          await page.mouse.move(box.x + box.width * (dash ? 0.2 + t : 0.45 + 0.02 * i), box.y + box.height * (dash ? 0.4 + 0.02 * i : 0.2 + t));
        }
        await page.mouse.up();
        await page.fill('#draw-label', dash ? 'dash' : 'bar');
        await page.click('#draw-add');
      }
      const count = (await page.textContent('#draw-count')) ?? '';
      assert(count.startsWith('12 drawings') && await page.isEnabled('#draw-use'), `after 12 drawings: '${count}'`);
      await page.click('#draw-use');
      await page.waitForFunction(() => (document.getElementById('dataset') as HTMLSelectElement).value === 'images', undefined, { timeout: 30_000 });
      await page.waitForSelector('#check.ok');
      assert(await page.inputValue('#dataset') === 'images', 'the drawings are not the dataset');
      await page.click('#train');
      await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
      const rows = await page.locator('#report tbody tr').count();
      assert(rows === 20, `${rows} epochs in the report, expected the default 20`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `${count}; trained ${rows} epochs`;
    });

    await check('a link trained on 2 threads: the worker threads compute shards (threadStats) and the metrics equal the same link on 1 thread bit for bit; the badge and the console say the threads that trained', async () => {
      // The training worker's worker threads (nested Web Workers) start only when it returns to its event
      // loop: it awaits startThreads() before train(), else they would join after the training
      const s = smallCNN();
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const run = async (threads: number): Promise<{ cells: string; badge: string; used: number; items: number; workerItems: number; log: string; console: string[] }> => {
        s.train.threads = threads;
        const said: string[] = [];
        const listen = (msg: { text(): string }): void => {
          if (msg.text().startsWith('threads:')) said.push(msg.text());
        };
        page.on('console', listen);
        try {
          await page.goto('about:blank');
          await page.goto(`${url}#${toHash(s, ['accuracy', 'fscore'], true)}`, { waitUntil: 'load' });
          await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
        } finally {
          page.off('console', listen);
        }
        const cells = await page.locator('#report td[data-v]').evaluateAll((tds) => tds.map((t) => `${t.getAttribute('data-metric')} ${t.getAttribute('data-set')} ${t.getAttribute('data-v')}`));
        const attr = async (name: string): Promise<number> => Number(await page.getAttribute('#kernels', name));
        return {
          cells: cells.join('\n'), badge: (await page.textContent('#kernels')) ?? '', used: await attr('data-threads'), items: await attr('data-items'),
          workerItems: await attr('data-worker-items'), log: (await page.textContent('#log')) ?? '', console: said,
        };
      };
      const one = await run(1);
      const two = await run(2);
      assert(one.cells.split('\n').length >= 8 && two.cells === one.cells, `the report on 2 threads differs from 1 thread's:\n${two.cells}\nvs\n${one.cells}`);
      assert(one.used === 1 && one.badge.endsWith(', 1 thread') && one.items > 0 && one.workerItems === 0, `1 thread asked for: badge '${one.badge}', ${one.used} thread(s), ${one.workerItems} of ${one.items} shards on worker threads`);
      assert(one.console.length === 1 && one.console[0] === 'threads: trained on 1 thread', `the console said ${JSON.stringify(one.console)}`);
      if (cores < 2) {
        // one core: 2 threads are capped at 1, and the badge, the console and the log say why
        assert(two.used === 1 && /, 1 thread \(threads: 2 asked for, but this machine has 1 core/.test(two.badge), `one core, 2 threads asked for: the badge says '${two.badge}'`);
        assert(two.console.length === 1 && two.console[0].startsWith('threads: trained on 1 thread (threads: 2 asked for'), `the console said ${JSON.stringify(two.console)}`);
        return `one core: 1 thread on both links, the badge says why; the same ${one.cells.split('\n').length} report values`;
      }
      assert(two.workerItems > 0 && two.items > two.workerItems, `2 threads: the worker threads computed ${two.workerItems} of ${two.items} shards`);
      assert(two.used === 2 && two.badge.endsWith(', 2 threads'), `2 threads asked for: the badge says '${two.badge}' (${two.used} thread(s) trained)`);
      // issue 26, item 8: the badge said 2 threads while the training's console said one
      assert(two.console.length === 1 && two.console[0] === 'threads: trained on 2 threads', `the console said ${JSON.stringify(two.console)}`);
      assert(!/one thread|1 thread/.test(two.log), `the training log says: ${two.log.split('\n').filter((l) => /thread/.test(l)).join(' | ')}`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return `2 threads: the worker thread computed ${two.workerItems} of ${two.items} shards; ${one.cells.split('\n').length} report values identical to 1 thread's; badge '${two.badge}'`;
    });

    await check('served without COOP/COEP (not cross-origin isolated): 2 threads asked for train on 1, and the badge, the console and the training log say why', async () => {
      const plain = await preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn',
        preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false, headers: { 'Cross-Origin-Opener-Policy': 'unsafe-none', 'Cross-Origin-Embedder-Policy': 'unsafe-none' } } });
      const said: string[] = [];
      const listen = (msg: { text(): string }): void => {
        if (msg.text().startsWith('threads:')) said.push(msg.text());
      };
      page.on('console', listen);
      try {
        const s = smallCNN();
        Object.assign(s.train, { epochs: 1, threads: 2 });
        await page.goto('about:blank');
        await page.goto(`${plain.resolvedUrls!.local[0]}#${toHash(s, ['accuracy'], true)}`, { waitUntil: 'load' });
        assert(!(await page.evaluate(() => crossOriginIsolated)), 'the page is cross-origin isolated without COOP/COEP');
        await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
      } finally {
        page.off('console', listen);
        await plain.close();
      }
      const why = 'running on one thread: SharedArrayBuffer is not available (the page is not cross-origin isolated: serve it with COOP: same-origin and COEP: require-corp)';
      const badge = (await page.textContent('#kernels')) ?? '';
      assert(badge.endsWith(`, 1 thread (${why})`) && await page.getAttribute('#kernels', 'data-threads') === '1', `the badge says '${badge}'`);
      assert(said.length === 1 && said[0] === `threads: trained on 1 thread (${why})`, `the console said ${JSON.stringify(said)}`);
      const notes = ((await page.textContent('#log')) ?? '').split('\n').filter((l) => /thread/.test(l));
      assert(notes.length === 1 && notes[0] === `NOTE: ${why}`, `the training log says ${JSON.stringify(notes)}`);
      assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
      return badge;
    });

    if (firstEpoch) console.log(`browser tests: page load to first trained epoch: ${firstEpoch} s (measured in the page)`);
  } finally {
    await context?.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  const passed = results.filter((r) => r.ok).length;
  console.log(`browser tests: ${passed} passed, ${results.length - passed} failed`);
  return passed === results.length ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  console.log('browser tests: 0 passed, 1 failed');
  process.exit(1);
});
