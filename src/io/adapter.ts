// The file-system hooks behind model.write() and model.plot(). The core never imports fs: the
// Node entry (src/node/index.ts) registers an adapter when imported; in a browser there is none.
// The slot itself lives with the network (src/network/hooks.ts), which must not import src/io.
export { type NodeIO, type WriteOptions, nodeIO, setNodeIO } from '../network/hooks.js';
