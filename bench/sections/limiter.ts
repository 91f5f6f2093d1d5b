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
    for (let run = 0; run < sizes.runs; run++) {
      // A fresh extractor per run: an empty window, like a new process.
      const extractor = new AlphaVantageExtractor({
        apiKey: `bench-limiter-${run}`,
        baseUrl: fake.url,
        plan: 'premium-1200',
        rateLimit: { perSecond: sizes.perSecond, perMinute: null, perDay: null },
        // A refusal must show up as a rejection, not be hidden by a retry that costs a second.
        retry: { retries: 0 },
      });
      const before = await fake.stats();
      const stop = new AbortController();
      const start = performance.now();
      const end = start + sizes.seconds * 1000;
      let completed = 0;
      let failed = 0;
      const caller = async () => {
        while (performance.now() < end) {
          try {
            await extractor.quote('IBM', { signal: stop.signal });
            if (performance.now() <= end) completed++;
          } catch (error) {
            if (stop.signal.aborted) return;
            // A refused request (counted by the server) must not end the measurement.
            failed++;
            if (failed > sizes.perSecond * sizes.seconds) throw error;
          }
        }
      };
      const timer = setTimeout(() => stop.abort(), sizes.seconds * 1000);
      try {
        await Promise.all(Array.from({ length: sizes.callers }, caller));
      } finally {
        clearTimeout(timer);
      }
      const after = await fake.stats();
      const allowed = sizes.perSecond * sizes.seconds;
      const refused = after.rateLimited - before.rateLimited;
      utilization.push(completed / allowed);
      rejections.push(refused);
      log(
        `  limiter run ${run + 1}/${sizes.runs}: ${completed}/${allowed} requests in ${sizes.seconds} s ` +
          `(${((completed / allowed) * 100).toFixed(1)} %), ${refused} refused by the server, ${failed} failed calls`,
      );
    }
  } finally {
    await fake.close();
  }
  const setup = `N = ${sizes.perSecond}/s on server and extractor, ${sizes.seconds} s, ${sizes.callers} callers, server leeway ${sizes.leewayMs} ms`;
  return {
    limiter_utilization: figure('ratio', utilization, `completed ÷ (N × seconds); ${setup}`),
    limiter_server_rejections: figure('requests', rejections, 'requests the server refused as over its limit'),
  };
}
