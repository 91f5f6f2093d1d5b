/**
 * Rate-limiter utilisation: the fake server enforces exactly N requests per sliding second, the
 * extractor is configured to the same N, and callers keep it saturated. A perfect limiter sends
 * N × seconds requests and is never refused.
 */
import { AlphaVantageExtractor } from '../../src/alpha-vantage';
import { startRemoteFake } from '../lib/fake';
import { type Figure, figure } from '../lib/stats';

/** Settings of the limiter section. */
export interface LimiterSizes {
  /** Requests per second allowed by the server and configured in the extractor. */
  perSecond: number;
  /** Measured window, seconds. */
  seconds: number;
  /** Concurrent callers of `extractor.quote`. */
  callers: number;
  /** Runs. */
  runs: number;
  /** Milliseconds the server shaves off its window (absorbs send → arrival jitter). */
  leewayMs: number;
}

/** Runs the section. */
export async function benchLimiter(
  sizes: LimiterSizes,
  log: (line: string) => void,
): Promise<Record<string, Figure>> {
  const utilization: number[] = [];
  const rejections: number[] = [];
  const fake = await startRemoteFake({
    rateLimit: { perSecond: sizes.perSecond },
    rateLimitLeewayMs: sizes.leewayMs,
  });
  try {
    // Runs are independent extractor/key pairs measured at the same time: the server limits each
    // key on its own, so they cannot disturb each other (a few dozen requests per second are
    // nothing to the server), and three 10 s runs cost 10 s of wall time instead of 30.
    const outcomes = await Promise.all(
      Array.from({ length: sizes.runs }, (_, run) => limiterRun(fake.url, run, sizes)),
    );
    // Runs count the refusals they saw (a refusal is an answer, surfaced as RateLimitError); the
    // server's own counter must agree, or a refusal went unnoticed.
    const { rateLimited } = await fake.stats();
    const seen = outcomes.reduce((sum, o) => sum + o.refused, 0);
    if (rateLimited !== seen) {
      throw new Error(`the server refused ${rateLimited} requests but the runs saw ${seen}`);
    }
    for (const [run, o] of outcomes.entries()) {
      utilization.push(o.completed / o.allowed);
      rejections.push(o.refused);
      log(
        `  limiter run ${run + 1}/${sizes.runs}: ${o.completed}/${o.allowed} requests in ${sizes.seconds} s ` +
          `(${((o.completed / o.allowed) * 100).toFixed(1)} %), ${o.refused} refused by the server`,
      );
    }
  } finally {
    await fake.close();
  }
  const setup = `N = ${sizes.perSecond}/s on server and extractor, ${sizes.seconds} s, ${sizes.callers} callers, server leeway ${sizes.leewayMs} ms`;
  return {
    limiter_utilization: figure('ratio', utilization, `completed ÷ (N × seconds); ${setup}`),
    limiter_server_rejections: figure(
      'requests',
      rejections,
      'requests the server refused as over its limit',
    ),
  };
}

interface RunOutcome {
  completed: number;
  allowed: number;
  refused: number;
}

async function limiterRun(url: string, run: number, sizes: LimiterSizes): Promise<RunOutcome> {
  // A fresh extractor and key per run: an empty window, like a new process.
  const extractor = new AlphaVantageExtractor({
    apiKey: `bench-limiter-${run}`,
    baseUrl: url,
    plan: 'premium-1200',
    rateLimit: { perSecond: sizes.perSecond, perMinute: null, perDay: null },
    // A refusal must show up as such, not be hidden by a retry that costs a second.
    retry: { retries: 0 },
  });
  const stop = new AbortController();
  const end = performance.now() + sizes.seconds * 1000;
  let completed = 0;
  let refused = 0;
  const caller = async () => {
    while (performance.now() < end) {
      try {
        await extractor.quote('IBM', { signal: stop.signal });
        if (performance.now() <= end) completed++;
      } catch (error) {
        if (stop.signal.aborted) return;
        // With retries off, a server refusal surfaces here as a RateLimitError.
        if ((error as { code?: string }).code !== 'RATE_LIMITED') throw error;
        refused++;
      }
    }
  };
  const timer = setTimeout(() => stop.abort(), sizes.seconds * 1000);
  try {
    await Promise.all(Array.from({ length: sizes.callers }, caller));
  } finally {
    clearTimeout(timer);
  }
  return { completed, allowed: sizes.perSecond * sizes.seconds, refused };
}
