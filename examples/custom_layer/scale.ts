// A layer written outside the library, on EpyNN's template layer (epynn/template/*.py): a trainable
// per-feature scale and shift, A = X ⊙ g + b. The four EpyNN files (models, forward, backward,
// parameters) are condensed into the class; the step labels are the template's. docs/CUSTOM_LAYER.md.
import { Layer, NDArray, ShapeError, registerLayer, sgdUpdate, type HPars } from '../../src/node/index.js';

export interface ScaleOptions {
  /** Layer hyper-parameters (the learning rate); inherits from the model when undefined. */
  seHPars?: HPars;
}

/** Per-feature affine layer: for X (m, n) (any sample shape, flattened to n features), A = X ⊙ g + b with g, b (1, n). */
export class Scale extends Layer {
  constructor({ seHPars }: ScaleOptions = {}) {
    super('Scale', seHPars); // the name stored in model files (registerLayer below)
    this.trainable = true;
  }

  /** The constructor options as JSON: `new Scale(toConfig())` rebuilds the layer (seHPars are stored apart). */
  toConfig(): Record<string, unknown> {
    return {};
  }

  /** template_compute_shapes: dimensions and parameter shapes from the input. */
  computeShapes(A: NDArray): void {
    const X = A; // Input of current layer
    if (X.ndim < 2) throw new ShapeError(`Scale: input must be (m, ...) with at least 2 dimensions, got ${X.ndim}`);
    this.fs.X = X.shape; // (m, ...)
    this.d.m = X.shape[0]; // Number of samples (m)
    this.d.n = X.size / this.d.m; // Number of features (n)
    this.fs.g = [1, this.d.n];
    this.fs.b = [1, this.d.n];
  }

  /** template_initialize_parameters: g ones, b zeros (the identity before training). */
  initializeParameters(): void {
    this.p.g = new NDArray(new Float64Array(this.d.n).fill(1), this.fs.g);
    this.p.b = new NDArray(new Float64Array(this.d.n), this.fs.b);
  }

  /** template_forward. */
  forward(A: NDArray): NDArray {
    // (1) Initialize cache
    const X = (this.fc.X = A);
    const n = this.d.n;
    if (X.size / X.shape[0] !== n) throw new ShapeError(`Scale: input has ${X.size / X.shape[0]} features per sample, the layer was built for ${n}`);
    // (2) Pass forward: A = X ⊙ g + b, feature by feature
    const g = this.p.g.data;
    const b = this.p.b.data;
    const out = new Float64Array(X.size);
    for (let k = 0; k < X.size; k++) out[k] = X.data[k] * g[k % n] + b[k % n];
    A = this.fc.A = new NDArray(out, X.shape);
    this.updateShapes(this.fc, this.fs);
    return A; // To next layer
  }

  /** template_backward. */
  backward(dX: NDArray): NDArray {
    // (1) Initialize cache
    const dA = (this.bc.dA = dX);
    // (2) Pass backward: dL/dX = dA ⊙ g
    const n = this.d.n;
    const g = this.p.g.data;
    const out = new Float64Array(dA.size);
    for (let k = 0; k < dA.size; k++) out[k] = dA.data[k] * g[k % n];
    dX = this.bc.dX = new NDArray(out, dA.shape);
    this.updateShapes(this.bc, this.bs);
    return dX; // To previous layer
  }

  /** template_compute_gradients: dg = Σ_m dA ⊙ X, db = Σ_m dA. */
  computeGradients(): void {
    const n = this.d.n;
    const X = this.fc.X.data;
    const dA = this.bc.dA.data;
    const dg = new Float64Array(n);
    const db = new Float64Array(n);
    for (let k = 0; k < dA.length; k++) {
      dg[k % n] += dA[k] * X[k];
      db[k % n] += dA[k];
    }
    this.g.dg = new NDArray(dg, this.fs.g);
    this.g.db = new NDArray(db, this.fs.b);
  }

  /** template_update_parameters: p -= lrate[e] · g. */
  updateParameters(): void {
    if (this.trainable) sgdUpdate(this);
  }
}

// So that models containing a Scale layer can be written and read back
registerLayer('Scale', Scale);
