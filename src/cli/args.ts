// Command-line options for the `epynn` command, the example runner and the bench, parsed by node:util's
// parseArgs: `--flag value`, `--flag=value`, short flags (`-q`), `--` ending the options. On top of it:
// integer options checked against their range, optional values (`--save` or `--save FILE`), and errors
// that name the flag (a UsageError the callers print with their usage text).
import { parseArgs } from 'node:util';
import { EpyNNError } from '../errors.js';
import { closestKey } from '../commons/checks.js';

/** A bad command line: the message names the flag, what it takes and what it got. */
export class UsageError extends EpyNNError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option of a command (the key is its long name without `--`). */
export type OptionSpec =
  /** A switch: `--quiet` (no value; `--quiet=x` is an error). */
  | { kind: 'flag'; short?: string }
  /** A value: `--data DIR` or `--data=DIR`; `multiple` collects every occurrence. */
  | { kind: 'string'; short?: string; multiple?: boolean; choices?: readonly string[] }
  /** An integer from `min` to `max` (safe integers only). */
  | { kind: 'int'; short?: string; min: number; max: number }
  /**
   * A switch with an optional value: `--save` alone, `--save FILE` (the next argument when it does not
   * start with '-' and the command's first operand was already given) or `--save=FILE`.
   */
  | { kind: 'optional'; short?: string };

/** The parsed values: strings, numbers, `true` (a flag, or an optional option given without value), string[] (multiple). */
export type Parsed = Record<string, string | number | boolean | string[]>;

/** The result of {@link parseCommand}: option values by long name, and the operands in order. */
export interface ParsedCommand {
  /** Option values by long name (absent when not given). */
  values: Parsed;
  /** The non-option arguments (everything after `--` included). */
  operands: string[];
}

const INT = /^[+-]?\d+$/;

/**
 * Parses `argv` against `spec`. Throws a UsageError for an unknown option (with the closest known one),
 * a missing or ill-formed value, a value for a switch, or an integer out of range.
 */
export function parseCommand(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>): ParsedCommand {
  // The optional-value options: a bare `--save` becomes `--save=` unless the next argument is its value
  const valueTaking = (arg: string): boolean => {
    const name = longName(arg, spec);
    return name !== undefined && !arg.includes('=') && spec[name].kind !== 'flag' && spec[name].kind !== 'optional';
  };
  const args: string[] = [];
  let operands = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (/^-[^-]=/.test(a)) throw new UsageError(`${a}: a short option takes its value after a space (-n value) or use the long form (--name=value)`);
    const name = longName(a, spec);
    if (name !== undefined && spec[name].kind === 'optional' && !a.includes('=')) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-') && operands > 0) {
        args.push(`--${name}=${next}`);
        i++;
      } else {
        args.push(`--${name}=`); // '' stands for "no value"
      }
      continue;
    }
    args.push(a);
    if (valueTaking(a)) {
      if (i + 1 < argv.length) args.push(argv[++i]);
    } else if (!a.startsWith('-') || a === '-') operands++;
  }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(spec)) {
    options[name] = { type: o.kind === 'flag' ? 'boolean' : 'string' };
    if (o.short !== undefined) options[name].short = o.short;
    if (o.kind === 'string' && o.multiple) options[name].multiple = true;
  }
  // strict: false so that every problem is reported here, in our words, naming the flag
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const values: Parsed = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    if (t.kind === 'option-terminator') continue;
    const o = Object.hasOwn(spec, t.name) ? spec[t.name] : undefined;
    if (o === undefined) {
      const guess = closestKey(t.name.replace(/_/g, '-'), Object.keys(spec));
      throw new UsageError(`unknown option ${t.rawName}${guess ? ` (did you mean --${guess.key}?)` : ''}`);
    }
    const flag = `--${t.name}`;
    if (o.kind === 'flag') {
      if (t.inlineValue) throw new UsageError(`${flag} takes no value, got ${t.rawName}=${t.value}`);
      values[t.name] = true;
      continue;
    }
    if (o.kind === 'optional') {
      values[t.name] = t.value === '' || t.value === undefined ? true : t.value;
      continue;
    }
    const v = t.value;
    if (o.kind === 'int') {
      if (v === undefined || !INT.test(v.trim())) {
        throw new UsageError(`${flag} needs an integer from ${fmt(o.min)} to ${fmt(o.max)}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
      }
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < o.min || n > o.max) throw new UsageError(`${flag} must be an integer from ${fmt(o.min)} to ${fmt(o.max)}, got ${v.trim()}`);
      values[t.name] = n;
      continue;
    }
    if (v === undefined || (!t.inlineValue && v.startsWith('-'))) {
      throw new UsageError(`${flag} needs a value${v === undefined ? '' : `, got the option ${v} (write ${flag}=${v} for a value starting with '-')`}`);
    }
    if (o.choices !== undefined && !o.choices.includes(v)) throw new UsageError(`${flag} must be ${orList(o.choices)}, got ${JSON.stringify(v)}`);
    if (o.multiple) ((values[t.name] ??= []) as string[]).push(v);
    else values[t.name] = v;
  }
  return { values, operands: positionals };
}

/** The long name of an option argument (`--save`, `--save=x`, or its short form), if in `spec`. */
function longName(arg: string, spec: Readonly<Record<string, OptionSpec>>): string | undefined {
  if (arg.startsWith('--')) {
    const name = arg.slice(2).split('=')[0];
    return Object.hasOwn(spec, name) ? name : undefined;
  }
  if (arg.length === 2 && arg[0] === '-') return Object.keys(spec).find((k) => spec[k].short === arg[1]);
  return undefined;
}

const fmt = (n: number): string => (Math.abs(n) === Number.MAX_SAFE_INTEGER ? `${n < 0 ? '-' : ''}2^53-1` : String(n));
const orList = (xs: readonly string[]): string => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);
