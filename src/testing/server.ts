import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { hashApiKey } from '../alpha-vantage/budget-store';
import { MarketCalendar } from '../calendar';
import { invalidCall, type Reply, type RequestContext } from './context';
import { BODY_FAULTS, duplicateTimestamp, emptySeries, FaultPlan, malformNumber } from './faults';
import { DEFAULT_LISTING } from './listing';
import {
  INVALID_KEY_TEXT,
  PREMIUM_ENDPOINT_TEXT,
  premiumParameterText,
  unknownFunctionText,
} from './notices';
import {
  type FakeAlphaVantage,
  type FakeAlphaVantageOptions,
  LIVE_PREMIUM_FUNCTIONS,
  LIVE_PREMIUM_PARAMETERS,
  PLAN_LIMITS,
} from './options';
import { RateLimiter } from './rate-limiter';
import {
  limitNotice,
  matchesFixture,
  notice,
  plain,
  scriptedReply,
  validateOptions,
} from './replies';
import { defaultUnknownSymbol, ROUTES } from './routes';
import { SessionIndex } from './sessions';
import type {
  FakeRateLimit,
  FakeStats,
  FaultSpec,
  RecordedRequest,
  RequestFilter,
  RequestOutcome,
} from './types';

/**
 * Starts a local HTTP server that behaves like Alpha Vantage (`GET /query?function=…`): real key
 * names, ordering, CSV variants and notices, deterministic synthetic data on real NYSE sessions,
 * per-key rate limits, premium gating and scriptable faults. Nothing is shared between instances.
 *
 * Processing order of a request: API key check → scripted/random fault → rate limit → fixture →
 * premium check (endpoint, then parameter value) → endpoint. A fault does not use rate-limit
 * allowance. With `plan`, the server answers like the live service does for that plan today.
 */
export async function startFakeAlphaVantage(
  given: FakeAlphaVantageOptions = {},
): Promise<FakeAlphaVantage> {
  validateOptions(given);
  const options = withPlanProfile(given);
  const clock = options.clock ?? Date.now;
  const now = options.now ?? (() => new Date());
  const sessions = new SessionIndex(options.calendar ?? new MarketCalendar());
  const limiter = new RateLimiter(options.rateLimitLeewayMs ?? 0);
  const faults = new FaultPlan(options.faults);
  const premium = new Set(
    (options.premiumFunctions ?? ['REALTIME_BULK_QUOTES']).map((f) => f.toUpperCase()),
  );
  const premiumParameters = (options.premiumParameters ?? []).map((p) => ({
    ...p,
    function: p.function.toUpperCase(),
  }));
  const unknown = options.unknownSymbols;
  const unknownSet = Array.isArray(unknown) ? new Set(unknown.map((s) => s.toUpperCase())) : null;
  const isUnknown =
    typeof unknown === 'function'
      ? unknown
      : unknownSet
        ? (s: string) => unknownSet.has(s.toUpperCase())
        : defaultUnknownSymbol;
  const maxRecorded = options.maxRecordedRequests ?? 100_000;
  const wording = options.dailyLimitWording ?? 'B';
  const listing = options.listing ?? DEFAULT_LISTING;
  const historyStart = options.historyStart ?? '2000-01-01';
  const eol = options.csvLineEnding ?? '\r\n';
  const keyHashes = new Map<string, string>();

  let recorded: RecordedRequest[] = [];
  let seq = 0;
  let stats: FakeStats = { total: 0, served: 0, rateLimited: 0, faults: 0, rejected: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | null = null;

  const hashOf = (key: string): string => {
    let h = keyHashes.get(key);
    if (!h) {
      h = hashApiKey(key);
      if (keyHashes.size > 10_000) keyHashes.clear();
      keyHashes.set(key, h);
    }
    return h;
  };

  const limitsOf = (apiKey: string): FakeRateLimit => {
    const k = options.keys?.[apiKey];
    // With a plan profile, a listed key on its own plan gets that plan's published limits.
    const d = (given.plan !== undefined && k ? PLAN_LIMITS[k.plan] : options.rateLimit) ?? {};
    return {
      perSecond: k?.perSecond ?? d.perSecond,
      perMinute: k?.perMinute ?? d.perMinute,
      perDay: k?.perDay ?? d.perDay,
    };
  };

  /** The answer without faults or rate limiting: fixture, premium gate, endpoint. */
  const generate = (ctx: RequestContext): Reply & { fixture?: boolean } => {
    for (const f of options.fixtures ?? []) {
      if (matchesFixture(f.match, ctx.params)) {
        const looksJson = /^\s*[{[]/.test(f.body);
        return {
          status: f.status ?? 200,
          body: f.body,
          contentType: f.contentType ?? (looksJson ? 'application/json' : 'application/x-download'),
          outcome: 'served',
          fixture: true,
        };
      }
    }
    const route = ROUTES[ctx.fn];
    if (!route)
      return notice('Error Message', unknownFunctionText(ctx.params.get('function') ?? ''));
    const entitlement = ctx.params.get('entitlement');
    if (entitlement !== null && entitlement !== 'realtime' && entitlement !== 'delayed')
      return invalidCall(ctx.fn);
    if (ctx.plan === 'free' && (premium.has(ctx.fn) || entitlement !== null)) {
      return notice('Information', PREMIUM_ENDPOINT_TEXT);
    }
    if (ctx.plan === 'free') {
      const refused = premiumParameters.find(
        (p) => p.function === ctx.fn && ctx.params.get(p.parameter) === p.value,
      );
      if (refused) {
        return notice(
          'Information',
          premiumParameterText(refused.parameter, refused.value, ctx.fn),
        );
      }
    }
    try {
      return route(ctx);
    } catch (error) {
      // A bug or an out-of-range calendar date; answer loudly rather than hang the client.
      const message = error instanceof Error ? error.message : String(error);
      return plain(500, `fake Alpha Vantage failed: ${message}`, 'text/plain');
    }
  };

  const send = (
    res: ServerResponse,
    rec: RecordedRequest,
    reply: Reply,
    outcome: RequestOutcome,
    truncate = false,
  ) => {
    rec.outcome = outcome;
    rec.status = reply.status;
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string | number> = {
      'Content-Type': reply.contentType,
      ...reply.headers,
    };
    if (truncate) {
      // Chunked and ended cleanly, so the client sees a short body rather than a network error.
      res.writeHead(reply.status, headers);
      const half = Math.floor(reply.body.length / 2);
      res.end(
        typeof reply.body === 'string' ? reply.body.slice(0, half) : reply.body.subarray(0, half),
      );
      return;
    }
    headers['Content-Length'] = Buffer.byteLength(reply.body);
    res.writeHead(reply.status, headers);
    res.end(rec.method === 'HEAD' ? undefined : reply.body);
  };

  const count = (outcome: RequestOutcome) => {
    if (outcome === 'served' || outcome === 'fixture') stats.served++;
    else if (outcome === 'rate-limited') stats.rateLimited++;
    else if (outcome === 'fault') stats.faults++;
    else stats.rejected++;
  };

  const finish = (
    res: ServerResponse,
    rec: RecordedRequest,
    reply: Reply & { fixture?: boolean },
  ) => {
    const outcome: RequestOutcome =
      reply.outcome === 'served' ? (reply.fixture ? 'fixture' : 'served') : 'rejected';
    count(outcome);
    send(res, rec, reply, outcome);
  };

  const applyFault = (
    fault: FaultSpec,
    req: IncomingMessage,
    res: ServerResponse,
    rec: RecordedRequest,
    ctx: RequestContext,
    apiKey: string,
  ) => {
    rec.fault = fault.kind;
    stats.faults++;
    const csv = (ctx.params.get('datatype') ?? 'json') === 'csv' || ctx.fn === 'LISTING_STATUS';
    if (fault.kind === 'reset') {
      rec.outcome = 'fault';
      rec.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'delay') {
      rec.outcome = 'fault';
      const timer = setTimeout(() => {
        timers.delete(timer);
        const reply = generate({ ...ctx, nowMs: now().getTime() });
        send(res, rec, reply, 'fault');
      }, fault.delayMs ?? 30_000);
      timers.add(timer);
      return;
    }
    if (BODY_FAULTS.has(fault.kind)) {
      const reply = { ...generate(ctx) };
      const text = () =>
        typeof reply.body === 'string' ? reply.body : reply.body.toString('utf8');
      if (fault.kind === 'malformed-number') reply.body = malformNumber(text(), csv);
      else if (fault.kind === 'duplicate-timestamp') reply.body = duplicateTimestamp(text(), csv);
      else if (fault.kind === 'empty-series') reply.body = emptySeries(text(), csv);
      send(res, rec, reply, 'fault', fault.kind === 'truncate');
      return;
    }
    send(res, rec, scriptedReply(fault, ctx.fn, apiKey, wording), 'fault');
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const at = clock();
    stats.total++;
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const params = url.searchParams;
    const apiKey = params.get('apikey') ?? '';
    const fnParam = params.get('function') ?? '';
    const fn = fnParam.toUpperCase();
    const symbol = params.get('symbol') ?? '';
    const kept: Record<string, string> = {};
    for (const [k, v] of params) if (k !== 'apikey') kept[k] = v;
    const rec: RecordedRequest = {
      seq: ++seq,
      at,
      method: req.method ?? 'GET',
      path: url.pathname,
      function: fn,
      symbol,
      params: Object.freeze(kept),
      hasApiKey: apiKey !== '',
      apiKeyHash: apiKey === '' ? null : hashOf(apiKey),
      outcome: 'served',
      status: 200,
    };
    recorded.push(rec);
    if (recorded.length > maxRecorded + Math.ceil(maxRecorded / 10))
      recorded = recorded.slice(-maxRecorded);

    if (url.pathname !== '/query') {
      stats.rejected++;
      send(res, rec, plain(404, 'Not Found', 'text/plain'), 'not-found');
      return;
    }
    const keyConfig = options.keys?.[apiKey];
    if (apiKey === '' || (!keyConfig && options.rejectUnknownKeys)) {
      finish(res, rec, notice('Error Message', INVALID_KEY_TEXT));
      return;
    }
    const plan = keyConfig?.plan ?? options.defaultPlan ?? 'free';
    const ctx: RequestContext = {
      fn,
      params,
      nowMs: now().getTime(),
      plan,
      sessions,
      historyStart,
      eol,
      isUnknown,
      listing,
    };
    const fault = faults.take(fn, symbol);
    if (fault) {
      applyFault(fault, req, res, rec, ctx, apiKey);
      return;
    }
    const limits = limitsOf(apiKey);
    const hit = limiter.admit(rec.apiKeyHash!, limits, at);
    if (hit) {
      stats.rateLimited++;
      send(res, rec, limitNotice(hit, plan === 'free', apiKey, limits, wording), 'rate-limited');
      return;
    }
    finish(res, rec, generate(ctx));
  };

  const server = createServer((req, res) => {
    // Errors on a destroyed socket (a client that gave up) are not the server's problem.
    res.on('error', () => {});
    try {
      handle(req, res);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(error instanceof Error ? error.message : 'error');
      }
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  // Node's server drops an idle keep-alive connection after 5 s, while undici (fetch, ky) keeps
  // one for 4 s: on a loaded machine the two race and a request sent on a socket the server is
  // closing fails with ECONNRESET, a fault nobody asked for. Outlive the client's idle timeout
  // (close() still ends every connection at once). Resets on purpose are the `faults` option's.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    get requests() {
      return Object.freeze(recorded.slice());
    },
    requestCount(filter?: RequestFilter) {
      if (!filter) return recorded.length;
      const fn = filter.function?.toUpperCase();
      const sym = filter.symbol?.toUpperCase();
      const key = filter.apiKey === undefined ? undefined : hashOf(filter.apiKey);
      let n = 0;
      for (const r of recorded) {
        if (fn !== undefined && r.function !== fn) continue;
        if (sym !== undefined && r.symbol.toUpperCase() !== sym) continue;
        if (key !== undefined && r.apiKeyHash !== key) continue;
        if (filter.outcome !== undefined && r.outcome !== filter.outcome) continue;
        n++;
      }
      return n;
    },
    stats: () => ({ ...stats }),
    inject: (fault) => faults.inject(fault),
    pendingFaults: () => faults.pending(),
    reset() {
      recorded = [];
      seq = 0;
      stats = { total: 0, served: 0, rateLimited: 0, faults: 0, rejected: 0 };
      faults.reset();
      limiter.reset();
    },
    close() {
      if (!closing) {
        closing = new Promise<void>((resolve) => {
          for (const t of timers) clearTimeout(t);
          timers.clear();
          server.close(() => resolve());
          server.closeAllConnections();
          for (const s of sockets) s.destroy();
        });
      }
      return closing;
    },
  };
}

/** Options with the `plan` profile filled in (explicit options win). */
function withPlanProfile(o: FakeAlphaVantageOptions): FakeAlphaVantageOptions {
  if (o.plan === undefined) return o;
  return {
    ...o,
    defaultPlan: o.defaultPlan ?? o.plan,
    rateLimit: o.rateLimit ?? { ...PLAN_LIMITS[o.plan] },
    premiumFunctions: o.premiumFunctions ?? LIVE_PREMIUM_FUNCTIONS,
    premiumParameters: o.premiumParameters ?? LIVE_PREMIUM_PARAMETERS,
  };
}
