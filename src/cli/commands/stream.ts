import { installSchema } from '../../db/install';
import { StreamingService } from '../../streaming/streaming-service';
import type { StreamingOptions, StreamQuote } from '../../streaming/types';
import { type CliContext, extractorFor, schemaOption } from '../context';
import { requireApiKey } from '../env';
import { printJson } from '../progress';
import { EXIT, UsageError } from '../usage-error';
import { symbolsOf } from './run';

const STRATEGIES = ['fixed', 'budget', 'adaptive'] as const;

/**
 * `stream SYMBOL... [--interval SECONDS] [--strategy fixed|budget|adaptive] [--extended-hours]
 * [--always]`: polls quotes into `stock_quotes` until Ctrl-C (exit 130), or until a fatal stop —
 * every symbol dropped as unknown, the key refused — which exits 1 at once with the reason. Says
 * first how many requests a day the strategy will spend.
 */
export async function stream(ctx: CliContext): Promise<number> {
  const symbols = symbolsOf(ctx);
  const seconds = ctx.flags.interval === undefined ? 60 : Number(ctx.flags.interval);
  if (!Number.isFinite(seconds) || seconds < 1) {
    throw new UsageError(
      `--interval must be a number of seconds ≥ 1, got ${JSON.stringify(ctx.flags.interval)}`,
    );
  }
  const strategy = (ctx.flags.strategy ?? 'fixed') as (typeof STRATEGIES)[number];
  if (!STRATEGIES.includes(strategy)) {
    throw new UsageError(
      `--strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(ctx.flags.strategy)}`,
    );
  }
  const apiKey = requireApiKey(ctx.env);
  const opened = await ctx.open({ create: true });
  await installSchema(opened.db, { ...schemaOption(ctx), signal: ctx.interrupts.signal });
  const extractor = extractorFor(ctx, opened, apiKey, { spends: true });
  const options: StreamingOptions = {
    db: opened.db,
    extractor,
    strategy,
    symbols,
    ...schemaOption(ctx),
    intervalMs: seconds * 1000,
    extendedHours: ctx.flags['extended-hours'] === true,
    marketHoursOnly: ctx.flags.always !== true,
  };
  const service = new StreamingService(options);
  const say = (event: string, text: string, fields: object) => {
    if (ctx.json) printJson({ event, ...fields });
    else console.error(text);
  };
  await announce(ctx, service, (await extractor.budget()).perDay);
  service.on('mode:switch', (e) =>
    say('mode:switch', 'bulk quotes refused as premium; polling with GLOBAL_QUOTE', {
      from: e.from,
      to: e.to,
    }),
  );
  service.on('quote', (q) => {
    if (ctx.json) printJson({ event: 'quote', ...q });
    else console.log(formatQuote(q));
  });
  service.on('market:closed', (e) =>
    say('market:closed', `market closed; polling resumes at ${e.nextOpen.toISOString()}`, e),
  );
  service.on('market:open', (e) =>
    say('market:open', `market open until ${e.closesAt.toISOString()}`, e),
  );
  service.on('symbol:dropped', (e) =>
    say('symbol:dropped', `${e.symbol} dropped: ${e.error.message}`, {
      symbol: e.symbol,
      message: e.error.message,
      remaining: e.remaining,
    }),
  );
  service.on('pause', (e) =>
    say('pause', `pausing until ${e.until.toISOString()} (${e.reason})`, e),
  );
  service.on('error', (e) => {
    // A fatal error is reported once, by the stop below; an unknown symbol by symbol:dropped.
    if (e.fatal || e.code === 'INVALID_REQUEST') return;
    say('error', `error${e.symbol ? ` ${e.symbol}` : ''}: ${e.code}: ${e.error.message}`, {
      code: e.code,
      symbol: e.symbol,
      message: e.error.message,
    });
  });
  const fatal = new Promise<Error>((resolve) =>
    service.on('stop', (e) => {
      if (e.reason !== 'requested') resolve(e.error ?? new Error(`stopped: ${e.reason}`));
    }),
  );
  const interrupted = new Promise<void>((resolve) =>
    ctx.interrupts.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await service.start();
  const stopped = await Promise.race([fatal, interrupted]);
  await service.stop();
  if (stopped instanceof Error) {
    const code = (stopped as { code?: string }).code;
    if (ctx.json) printJson({ event: 'stop', reason: 'fatal', code, message: stopped.message });
    console.error(`stock-etl: stream stopped: ${code ? `${code}: ` : ''}${stopped.message}`);
    return EXIT.failed;
  }
  return ctx.interrupts.exitCode ?? EXIT.ok;
}

/** Says which strategy runs and how many requests a day it will spend. */
async function announce(
  ctx: CliContext,
  service: StreamingService,
  perDay: number | null,
): Promise<void> {
  const requestsPerDay = await service.estimateDailyRequests();
  if (ctx.json) {
    printJson({ event: 'start', strategy: service.strategy, requestsPerDay, perDay });
    return;
  }
  const of = perDay === null ? '' : ` of ${perDay}`;
  console.error(
    `streaming with the ${service.strategy} strategy: up to ${requestsPerDay}${of} requests a day`,
  );
}

/** A quote as one line, saying whether it was stored or equal to the last stored one. */
export function formatQuote(q: StreamQuote): string {
  const pct =
    q.changePercent === null || q.changePercent === undefined ? '' : ` (${q.changePercent}%)`;
  const what = q.stored ? 'stored' : q.changed ? 'not stored' : 'unchanged, not stored';
  return `${q.observedAt} ${q.symbol} ${q.price}${pct} ${what}`;
}
