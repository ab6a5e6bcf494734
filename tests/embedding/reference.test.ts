// Fixtures: tests/fixtures/epynn/embedding_*.json, written by the reference NumPy EpyNN 1.2.11:
// Embedding(X_data, Y_data, relative_size, batch_size, X_encode, Y_encode, X_scale) and its dtrain/dval/dtest.
import { describe, expect, test } from 'vitest';
import { NDArray } from '../../src/commons/ndarray.js';
import { Embedding } from '../../src/embedding/models.js';
import { expectClose } from '../helpers/close.js';
import { fixtureNames, fixtureX, loadFixture } from '../helpers/fixtures.js';

describe('Embedding matches EpyNN', () => {
  for (const name of fixtureNames('embedding_')) {
    test(name, () => {
      const fx = loadFixture(name);
      const o = fx.options;
      const emb = new Embedding({
        XData: fixtureX(fx.X_data), YData: fx.Y_data, relativeSize: o.relativeSize,
        batchSize: o.batchSize ?? undefined, XEncode: o.XEncode, YEncode: o.YEncode, XScale: o.XScale,
      });
      const sets = { dtrain: emb.dtrain, dval: emb.dval, dtest: emb.dtest };
      expect([emb.dtrain, emb.dval, emb.dtest].map((s) => (s.active ? s.X.shape[0] : 0))).toEqual(fx.sizes);
      for (const [k, dset] of Object.entries(sets)) {
        const want = fx[k];
        if (want === null) {
          expect(dset.active, `${k} inactive`).toBe(false);
          continue;
        }
        expectClose(dset.X, want.X, `${k}.X`);
        expectClose(dset.Y as NDArray, want.Y, `${k}.Y`);
      }
      if (o.XEncode) {
        expect([...emb.e2i.keys()]).toEqual(fx.elements);
        expect([...emb.e2i.entries()]).toEqual(fx.elementToIdx);
        expect(emb.d.e).toBe(fx.elementsSize);
      }
    });
  }
});
