// The option parser of the `epynn` command, the example runner and the bench (node:util parseArgs inside).
import { describe, expect, it } from 'vitest';
import { type OptionSpec, UsageError, parseCommand } from '../../src/cli/args.js';
import { EpyNNError } from '../../src/errors.js';

const spec: Record<string, OptionSpec> = {
  epochs: { kind: 'int', min: 1, max: 100 },
  name: { kind: 'string', short: 'n' },
  tag: { kind: 'string', multiple: true },
  mode: { kind: 'string', choices: ['a', 'b'] },
  quiet: { kind: 'flag', short: 'q' },
  verbose: { kind: 'flag', short: 'v' },
  save: { kind: 'optional' },
};

describe('parseCommand', () => {
  it('takes --flag value, --flag=value, short flags, grouped short flags and --', () => {
    expect(parseCommand(['x', '--epochs', '3', '--name=m', '-qv', '--tag', 'a', '--tag=b', '--', '--epochs'], spec)).toEqual({
      values: { epochs: 3, name: 'm', quiet: true, verbose: true, tag: ['a', 'b'] },
      operands: ['x', '--epochs'],
    });
    expect(parseCommand(['-n', 'short', '+7'], spec)).toEqual({ values: { name: 'short' }, operands: ['+7'] });
    expect(parseCommand(['--name=-dash'], spec).values).toEqual({ name: '-dash' });
  });

  it('an optional value: alone, before another option, after the first operand, or with =', () => {
    expect(parseCommand(['x', '--save'], spec).values).toEqual({ save: true });
    expect(parseCommand(['x', '--save', '-q'], spec).values).toEqual({ save: true, quiet: true });
    expect(parseCommand(['x', '--save', 'm.json'], spec)).toEqual({ values: { save: 'm.json' }, operands: ['x'] });
    // before the first operand, the next word is the operand, not the file
    expect(parseCommand(['--save', 'x'], spec)).toEqual({ values: { save: true }, operands: ['x'] });
    expect(parseCommand(['--save=m.json', 'x'], spec)).toEqual({ values: { save: 'm.json' }, operands: ['x'] });
    // a value-taking option's value is not counted as an operand
    expect(parseCommand(['--name', 'v', '--save', 'x'], spec)).toEqual({ values: { name: 'v', save: true }, operands: ['x'] });
  });

  it('every problem is a UsageError (an EpyNNError) naming the flag', () => {
    const bad: [string[], string][] = [
      [['--epochs', '101'], '--epochs must be an integer from 1 to 100, got 101'],
      [['--epochs', '0x10'], '--epochs needs an integer from 1 to 100, got "0x10"'],
      [['--epochs', ' '], '--epochs needs an integer from 1 to 100, got " "'],
      [['--mode', 'c'], '--mode must be a or b, got "c"'],
      [['--name'], '--name needs a value'],
      [['-n', '-q'], "--name needs a value, got the option -q (write --name=-q for a value starting with '-')"],
      [['-v=1'], '-v=1: a short option takes its value after a space (-n value) or use the long form (--name=value)'],
      [['--verbose=1'], '--verbose takes no value, got --verbose=1'],
      [['--quite'], 'unknown option --quite (did you mean --quiet?)'],
      [['--save_x'], 'unknown option --save_x (did you mean --save?)'],
      [['--zzzzzz'], 'unknown option --zzzzzz'],
    ];
    for (const [args, message] of bad) {
      let caught: unknown;
      try {
        parseCommand(args, spec);
      } catch (err) {
        caught = err;
      }
      expect(caught, args.join(' ')).toBeInstanceOf(UsageError);
      expect(caught).toBeInstanceOf(EpyNNError);
      expect((caught as Error).message, args.join(' ')).toBe(message);
    }
  });
});
