/**
 * Rate-limiter utilisation: the fake server enforces exactly N requests per sliding second, the
 * extractor is configured to the same N, and callers keep it saturated. A perfect limiter sends
 * N × seconds requests and is never refused. Callers ask INDEX_CATALOG, whose answer costs the
 * fake server next to nothing: a GLOBAL_QUOTE is synthesised from 25 years of daily bars (~5 ms of
 * CPU each), which on a busy machine measured the fake's queueing more than the limiter.
 *
 * The same load is then paced by p-throttle instead (`strict` sliding window, N per 1000 ms, the
 * extractor's own limiter out of the way: plain GETs), on fresh keys of the same server: the
 * figures `limiter_pthrottle_*` are why the extractor keeps its own limiter (README, design notes).
 */
import pThrottle from 'p-throttle';
import { AlphaVantageExtractor } from '../../src/alpha-vantage';
import { startRemoteFake } from '../lib/fake';
import { type Figure, figure } from '../lib/stats';

/** Settings of the limiter section. */
export interface LimiterSizes {
  /** Requests per second allowed by the server and configured in the extractor. */
  perSecond: number;
  /** Measured window, seconds. */
  seconds: number;
  /** Concurrent callers of `extractor.indexCatalog`. */
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
  const pUtilization: number[] = [];
  const pRejections: number[] = [];
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
    record(outcomes, 'limiter', utilization, rejections, sizes, log);
    const throttled = await Promise.all(
      Array.from({ length: sizes.runs }, (_, run) => pThrottleRun(fake.url, run, sizes)),
    );
    const after = (await fake.stats()).rateLimited - rateLimited;
    const seenThrottled = throttled.reduce((sum, o) => sum + o.refused, 0);
    if (after !== seenThrottled) {
      throw new Error(
        `the server refused ${after} p-throttle requests but the runs saw ${seenThrottled}`,
      );
    }
    record(throttled, 'p-throttle', pUtilization, pRejections, sizes, log);
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
    limiter_pthrottle_utilization: figure(
      'ratio',
      pUtilization,
      `the same load paced by p-throttle@8 (strict, N per 1000 ms) instead: completed ÷ (N × seconds)`,
    ),
    limiter_pthrottle_server_rejections: figure(
      'requests',
      pRejections,
      'requests the server refused when p-throttle paced them',
    ),
  };
}

function record(
  outcomes: RunOutcome[],
  label: string,
  utilization: number[],
  rejections: number[],
  sizes: LimiterSizes,
  log: (line: string) => void,
): void {
  for (const [run, o] of outcomes.entries()) {
    utilization.push(o.completed / o.allowed);
    rejections.push(o.refused);
    log(
      `  ${label} run ${run + 1}/${sizes.runs}: ${o.completed}/${o.allowed} requests in ${sizes.seconds} s ` +
        `(${((o.completed / o.allowed) * 100).toFixed(1)} %), ${o.refused} refused by the server`,
    );
  }
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
  const end = performance.now() + sizes.seconds * 1000;
  let completed = 0;
  let refused = 0;
  // No abort at the end: a request cut off in flight may have been refused by the server without
  // the run seeing it, and the refusal counts must agree. Each caller's last request (at most one
  // limiter window late) runs to its answer; only answers before the end count as completed.
  const caller = async () => {
    while (performance.now() < end) {
      try {
        await extractor.indexCatalog();
        if (performance.now() <= end) completed++;
      } catch (error) {
        // With retries off, a server refusal surfaces here as a RateLimitError.
        if ((error as { code?: string }).code !== 'RATE_LIMITED') throw error;
        refused++;
      }
    }
  };
  await Promise.all(Array.from({ length: sizes.callers }, caller));
  return { completed, allowed: sizes.perSecond * sizes.seconds, refused };
}

/**
 * The same saturated load, paced by p-throttle: plain GETs (so no limiter of ours, not even its
 * adaptive slow-down, hides a refusal), `strict` mode — p-throttle's sliding window.
 */
async function pThrottleRun(url: string, run: number, sizes: LimiterSizes): Promise<RunOutcome> {
  const query = `${url}/query?function=INDEX_CATALOG&apikey=bench-pthrottle-${run}`;
  const throttle = pThrottle({ limit: sizes.perSecond, interval: 1_000, strict: true });
  const get = throttle(async () => {
    const res = await fetch(query);
    return (await res.text()).includes('"S&P 500"');
  });
  const end = performance.now() + sizes.seconds * 1000;
  let completed = 0;
  let refused = 0;
  // As in limiterRun: no abort, so every refusal the server counts is seen here.
  const caller = async () => {
    while (performance.now() < end) {
      const served = await get();
      if (!served) refused++;
      else if (performance.now() <= end) completed++;
    }
  };
  await Promise.all(Array.from({ length: sizes.callers }, caller));
  return { completed, allowed: sizes.perSecond * sizes.seconds, refused };
}
