import { parseArgs } from 'node:util';
import { UsageError } from './usage-error';

/** The subcommands. */
export const COMMANDS = [
  'init-db',
  'run',
  'backfill',
  'status',
  'health',
  'stream',
  'schedule',
  'budget',
  'enqueue',
  'worker',
] as const;

/** A subcommand. */
export type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  dataset: { type: 'string', multiple: true },
  table: { type: 'boolean' },
  interval: { type: 'string' },
  strategy: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'extended-hours': { type: 'boolean' },
  always: { type: 'boolean' },
  once: { type: 'boolean' },
  jobs: { type: 'string' },
  cron: { type: 'string', multiple: true },
  config: { type: 'string' },
  'allow-over-budget': { type: 'boolean' },
  schema: { type: 'string' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  concurrency: { type: 'string' },
  'poll-interval': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

function parse(args: string[]) {
  return parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS });
}

/** The parsed flags. */
export type Flags = ReturnType<typeof parse>['values'];

const GLOBAL = ['schema', 'json', 'help', 'version'];
/** Flags each command accepts besides the global ones (`--schema`, `--json`, `--help`). */
const ALLOWED: Record<Command, string[]> = {
  'init-db': [],
  run: ['dataset', 'table', 'no-progress'],
  backfill: ['interval', 'from', 'to', 'no-progress'],
  status: [],
  health: [],
  stream: ['interval', 'extended-hours', 'always', 'strategy'],
  schedule: ['once', 'jobs', 'cron', 'config', 'allow-over-budget'],
  budget: [],
  enqueue: ['dataset', 'interval', 'from', 'to'],
  worker: ['concurrency', 'poll-interval'],
};

/**
 * The original system's spellings and the subcommand each one is. `--batch A B --pipeline` is
 * `run A B --table`; `--stream --stream-interval N` is `stream --interval N`.
 */
export const LEGACY_COMMANDS: Readonly<Record<string, Command>> = {
  '--init-db': 'init-db',
  '--single': 'run',
  '--batch': 'run',
  '--status': 'status',
  '--stream': 'stream',
};
const LEGACY_FLAGS: Readonly<Record<string, string>> = {
  '--stream-interval': '--interval',
  '--pipeline': '--table',
};
/** The old command each old flag belongs to (`--pipeline` also goes with `--single`: both run). */
const LEGACY_FLAG_GOES_WITH: Readonly<Record<string, string>> = {
  '--stream-interval': '--stream',
  '--pipeline': '--batch',
};

/** What the command line asks for. */
export interface Invocation {
  /** The subcommand; undefined with `--help`/`--version` alone, or nothing at all. */
  command: Command | undefined;
  /** Positional arguments after the subcommand (symbols). */
  args: string[];
  /** Flags. */
  flags: Flags;
}

/** Parses `argv` (without node and the script), translating the original system's spellings. */
export function parseInvocation(argv: readonly string[]): Invocation {
  const { values, positionals } = parse(translateLegacy(argv));
  const [first, ...args] = positionals;
  if (first === undefined) return { command: undefined, args: [], flags: values };
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(`unknown command "${first}" (see stock-etl --help)`);
  }
  const command = first as Command;
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || GLOBAL.includes(name) || ALLOWED[command].includes(name)) continue;
    throw new UsageError(`--${name} does not apply to ${command} (see stock-etl --help)`);
  }
  return { command, args, flags: values };
}

function translateLegacy(argv: readonly string[]): string[] {
  const legacy = argv.filter((a) => a in LEGACY_COMMANDS);
  if (legacy.length === 0) {
    const stray = argv.find((a) => flagName(a) in LEGACY_FLAGS);
    if (stray) {
      throw new UsageError(
        `${flagName(stray)} goes with ${LEGACY_FLAG_GOES_WITH[flagName(stray)]}`,
      );
    }
    return [...argv];
  }
  if (legacy.length > 1) {
    throw new UsageError(
      `use one of ${Object.keys(LEGACY_COMMANDS).join(', ')} at a time, got ${legacy.join(' ')}`,
    );
  }
  const old = legacy[0] as string;
  const command = LEGACY_COMMANDS[old] as Command;
  const rest = argv.filter((a) => a !== old);
  const positional = rest.find((a) => !a.startsWith('-'));
  if (positional && (COMMANDS as readonly string[]).includes(positional)) {
    throw new UsageError(`${old} is the old spelling of "${command}": use one or the other`);
  }
  const translated = rest.map((a) => {
    const name = flagName(a);
    const to = LEGACY_FLAGS[name];
    if (!to) return a;
    if (LEGACY_COMMANDS[old] !== LEGACY_COMMANDS[LEGACY_FLAG_GOES_WITH[name] as string]) {
      throw new UsageError(`${name} goes with ${LEGACY_FLAG_GOES_WITH[name]}`);
    }
    return a.replace(name, to);
  });
  if (old === '--single') {
    const symbols = positionals(translated);
    if (symbols.length !== 1) {
      throw new UsageError(
        `--single takes one SYMBOL (got ${symbols.length}); use --batch for several`,
      );
    }
  }
  return [command, ...translated];
}

function flagName(arg: string): string {
  return arg.split('=', 1)[0] as string;
}

/** Positionals of an argv, skipping values of flags that take one. */
function positionals(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('-')) {
      const option = OPTIONS[a.replace(/^--/, '') as keyof typeof OPTIONS];
      if (option?.type === 'string' && !a.includes('=')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}
