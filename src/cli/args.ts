// Command-line parsing for every command: node:util parseArgs with strict
// checking, its errors turned into one-line UsageErrors, and --help text made
// from the same option table.
import { parseArgs } from 'node:util';

import { UsageError } from './errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help, e.g. "BROKERS". */
  value?: string;
  description: string;
  default?: string;
}

export type OptionTable = Record<string, OptionSpec>;

export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage line after "rdkafka-napi <name>", e.g. "-t TOPIC [options] [FILE...]". */
  usage: string;
  options: OptionTable;
  /** Extra --help paragraphs (examples, formats). */
  details?: string;
  positionals?: boolean;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

export function parseCommandLine(spec: CommandSpec, argv: string[]): ParsedArgs | 'help' {
  const options = { ...spec.options, help: HELP };
  const config = Object.fromEntries(
    Object.entries(options).map(([name, option]) => [
      name,
      { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) },
    ]),
  );
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, options),
      options: config,
      strict: true,
      allowPositionals: true,
    }) as ParsedArgs;
  } catch (error) {
    throw new UsageError(`${describeParseError(error as Error & { code?: string })} (see rdkafka-napi ${spec.name} --help)`);
  }
  if (parsed.values.help) return 'help';
  if (!spec.positionals && parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}" (see rdkafka-napi ${spec.name} --help)`);
  }
  return parsed;
}

// parseArgs refuses a value that starts with "-" ("-o -10"): kcat-style
// relative offsets need it, so a negative number after an option that takes
// a value is joined to it ("--offset=-10").
function joinNegativeValues(argv: string[], options: OptionTable): string[] {
  const takesValue = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== 'string') continue;
    takesValue.set(`--${name}`, name);
    if (option.short) takesValue.set(`-${option.short}`, name);
  }
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = takesValue.get(argv[i]);
    if (name !== undefined && i + 1 < argv.length && /^-\d+$/.test(argv[i + 1])) {
      joined.push(`--${name}=${argv[i + 1]}`);
      i++;
    } else {
      joined.push(argv[i]);
    }
  }
  return joined;
}

function describeParseError(error: Error & { code?: string }): string {
  const option = /'([^']+)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(error.message)
        ? `option ${option ?? ''} needs a value`
        : error.message.split('.')[0].replace(/^Option/, 'option');
    default:
      return error.message.split('\n')[0];
  }
}

export function helpText(spec: CommandSpec): string {
  const rows = Object.entries({ ...spec.options, help: HELP }).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
    const extra = [option.multiple ? 'repeatable' : '', option.default !== undefined ? `default ${option.default}` : '']
      .filter(Boolean)
      .join('; ');
    return [flag, extra ? `${option.description} (${extra})` : option.description];
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return [
    `rdkafka-napi ${spec.name}: ${spec.summary}`,
    '',
    `Usage: rdkafka-napi ${spec.name} ${spec.usage}`,
    '',
    'Options:',
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`),
    ...(spec.details ? ['', spec.details.trimEnd()] : []),
    '',
  ].join('\n');
}

// ------------------------------------------------------------ value checks --

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(args: ParsedArgs, name: string, command: string): string {
  const value = stringOption(args, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required (see rdkafka-napi ${command} --help)`);
  return value;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function integerOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const text = stringOption(args, name);
  if (text === undefined) return fallback;
  const value = parseIntegerText(text.replace(/_/g, ''));
  if (value === undefined || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${range}, not "${text}"`);
  }
  return value;
}

export function parseIntegerText(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** "key=value" pairs (headers, -X config, topic configs). */
export function keyValuePairs(entries: string[], what: string): Array<[string, string]> {
  return entries.map((entry) => {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError(`${what} must be key=value, not "${entry}"`);
    return [entry.slice(0, at), entry.slice(at + 1)];
  });
}
