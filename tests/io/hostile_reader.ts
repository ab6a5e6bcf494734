// Child process for tests/io/hostile.test.ts, run with its working directory in a temp folder: reads
// the model file argv[2] (whose uname was chosen by its author) and writes it and its plot to their
// default paths; prints the paths written as one JSON line.
import { readModel } from '../../src/node/fs.js';

const model = readModel(process.argv[2]);
const json = model.write();
const svg = model.plot();
process.stdout.write(`${JSON.stringify({ uname: model.uname, json, svg })}\n`);
