import cliProgress from 'cli-progress';

/** How the CLI reports long work: a live bar, one line per event, or one JSON object per line. */
export type ProgressMode = 'tty' | 'lines' | 'json';

/**
 * The mode for this run: JSON when `--json`; a live display when stderr is a terminal (unless
 * `--no-progress`); else plain lines, so cron logs and pipes stay readable.
 */
export function progressMode(json: boolean, noProgress: boolean): ProgressMode {
  if (json) return 'json';
  return !noProgress && process.stderr.isTTY ? 'tty' : 'lines';
}

/** Writes one JSON object per line on stdout (the `--json` format of every command). */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value));
}

/** The live state shown in the bar. */
interface Payload {
  unit: string;
  rows: number;
  requests: number;
  left: string;
  wait: string;
}

/**
 * Progress of work with a known number of units (jobs of a batch, months of a backfill):
 * units done / total, rows loaded, requests spent and left today, rate-limit waits with their
 * countdown, and the ETA. On a terminal a cli-progress bar on stderr with the finished units
 * logged above it; otherwise one line (or JSON object) per event.
 */
export class Progress {
  readonly #mode: ProgressMode;
  readonly #multi: cliProgress.MultiBar | undefined;
  readonly #bar: cliProgress.SingleBar | undefined;
  readonly #payload: Payload;
  #done = 0;
  #waitUntil = 0;
  #waitWhy = '';
  #ticker: NodeJS.Timeout | undefined;

  constructor(mode: ProgressMode, total: number, unit: string) {
    this.#mode = mode;
    this.#payload = { unit, rows: 0, requests: 0, left: '', wait: '' };
    if (mode !== 'tty') return;
    this.#multi = new cliProgress.MultiBar(
      {
        format: ` {bar} {value}/{total} {unit} | {rows} rows | {requests} requests{left} | ETA {eta_formatted}{wait}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        stopOnComplete: false,
        etaBuffer: 20,
        fps: 5,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar = this.#multi.create(total, 0, this.#payload);
    // The countdown of a rate-limit wait moves even when nothing else happens.
    this.#ticker = setInterval(() => this.#refreshWait(), 500);
    this.#ticker.unref();
  }

  /** One unit finished: `line` for people, `event` for `--json`. */
  done(line: string, rows: number, event: Record<string, unknown>): void {
    this.#done++;
    this.#payload.rows += rows;
    this.#waitUntil = 0;
    if (this.#mode === 'json') printJson(event);
    else if (this.#mode === 'lines') console.log(line);
    else {
      // Above the bar when stdout is the same terminal; straight to a redirected stdout otherwise.
      if (process.stdout.isTTY) this.#multi?.log(`${line}\n`);
      else console.log(line);
      this.#bar?.update(this.#done, this.#payload);
    }
  }

  /** An HTTP request went out. */
  request(): void {
    this.#payload.requests++;
    this.#bar?.update(this.#payload);
  }

  /** The key's daily budget after the last request. */
  budget(remainingToday: number | null, perDay: number | null): void {
    this.#payload.left =
      remainingToday === null ? '' : `, ${remainingToday} of ${perDay} left today`;
    this.#bar?.update(this.#payload);
  }

  /** A request waits `ms` for the rate limiter (`why`: `second`, `minute`, `adaptive`, …). */
  wait(ms: number, why: string): void {
    if (this.#mode === 'json') printJson({ event: 'rate:wait', waitMs: ms, budget: why });
    else if (this.#mode === 'lines') {
      // Short per-second spacing is normal pacing, not news; longer waits are worth a line.
      if (ms >= 2_000) console.error(`waiting ${Math.ceil(ms / 1000)} s: ${limitName(why)}`);
    } else {
      this.#waitUntil = Date.now() + ms;
      this.#waitWhy = limitName(why);
      this.#refreshWait();
    }
  }

  /** Removes the bar (if any) so the summary prints on a clean line. */
  stop(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    // MultiBar writes logged lines on its next render and drops them on stop(): render first.
    (this.#multi as { update?: () => void } | undefined)?.update?.();
    this.#multi?.stop();
  }

  #refreshWait(): void {
    const left = this.#waitUntil - Date.now();
    this.#payload.wait =
      left > 500 ? ` | waiting ${Math.ceil(left / 1000)} s: ${this.#waitWhy}` : '';
    this.#bar?.update(this.#payload);
  }
}

function limitName(budget: string): string {
  switch (budget) {
    case 'second':
      return 'per-second rate limit';
    case 'minute':
      return 'per-minute rate limit';
    case 'adaptive':
    case 'cooldown':
      return 'Alpha Vantage said "rate limited", slowing down';
    default:
      return budget;
  }
}
