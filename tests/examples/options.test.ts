// Every example's run(options) refuses an option it does not take (a misspelt one would be ignored).
import { describe, expect, test } from 'vitest';
import { EpyNNError } from '../../src/index.js';
import { examples } from '../../examples/index.js';

describe('example options', () => {
  for (const ex of Object.values(examples)) {
    test(`${ex.name}: an unknown option is an EpyNNError naming the example and the known options`, async () => {
      const run = async (options: unknown): Promise<unknown> => ex.run(options as never);
      await expect(run({ epoch: 2, quiet: true })).rejects.toThrow(EpyNNError);
      await expect(run({ epoch: 2, quiet: true })).rejects.toThrow(new RegExp(`^${ex.name}: unknown option 'epoch'; known: epochs, seed, quiet, variant`));
      await expect(run('fast')).rejects.toThrow(`${ex.name}: expected an options object such as { epochs: 10 }, got string`);
    });
  }
});
