import { PremiumEndpointError, type PremiumParameter } from '../errors/api-errors';

/** A free endpoint serving the same data as a premium one, and how to get it. */
export interface FreeAlternative {
  /** The free Alpha Vantage `function`. */
  endpoint: string;
  /** What to call instead, as a person reads it. */
  hint: string;
}

/**
 * Free alternatives of endpoints Alpha Vantage has served as premium to free keys (API.md §1.3,
 * QUIRKS §9: DAILY_ADJUSTED has flipped between free and premium; bulk quotes are premium).
 */
export const FREE_ALTERNATIVES: Readonly<Record<string, FreeAlternative>> = Object.freeze({
  TIME_SERIES_DAILY_ADJUSTED: {
    endpoint: 'TIME_SERIES_DAILY',
    hint: "TIME_SERIES_DAILY (extractor.daily(), pipeline dataset 'daily'); adjusted closes and dividends come free with weekly_adjusted and monthly_adjusted",
  },
  REALTIME_BULK_QUOTES: {
    endpoint: 'GLOBAL_QUOTE',
    hint: "GLOBAL_QUOTE (extractor.quote(), pipeline dataset 'quote'), one symbol per request",
  },
});

/** What a free key gets instead of a refused parameter value, where it is known. */
const PARAMETER_HINTS: Readonly<Record<string, string>> = Object.freeze({
  'outputsize=full':
    'outputsize=compact (the newest 100 points) still works; full history of a free key comes from the weekly and monthly series and, for intraday, from month-by-month backfills',
  'entitlement=realtime': 'leave entitlement out to get the free (end-of-day) data',
  'entitlement=delayed': 'leave entitlement out to get the free (end-of-day) data',
});

/** Inputs of {@link premiumError}. */
export interface PremiumErrorInput {
  /** The refused endpoint. */
  endpoint: string;
  /** The call's symbol. */
  symbol?: string;
  /** The refused parameter value; absent when the endpoint itself is premium. */
  parameter?: PremiumParameter;
  /** The notice text (redacted), quoted in the message. */
  notice?: string;
  /** Set when the refusal was remembered (no request was sent). */
  remembered?: {
    /** When Alpha Vantage refused it. */
    refusedAt: Date;
    /** When the memory expires. */
    expiresAt: Date;
  };
}

// The notice each fresh refusal quoted, for the remembered record (kept off the public error).
const notices = new WeakMap<PremiumEndpointError, string>();

/** The notice text a refusal error was built from (redacted), if any. @internal */
export function noticeOf(error: PremiumEndpointError): string | undefined {
  return notices.get(error);
}

/**
 * The {@link PremiumEndpointError} for a refusal: names the endpoint or the parameter value, the
 * free alternative where there is one, and, for a remembered refusal, that nothing was sent.
 */
export function premiumError(input: PremiumErrorInput): PremiumEndpointError {
  const where = input.symbol ? `${input.endpoint} ${input.symbol}` : input.endpoint;
  const { parameter } = input;
  const alternative = parameter ? undefined : FREE_ALTERNATIVES[input.endpoint];
  let message = parameter
    ? `${parameter.name}=${parameter.value} is a premium feature of ${input.endpoint} for this API key (${where})`
    : `${input.endpoint} is a premium endpoint for this API key (${where})`;
  const hint = parameter
    ? PARAMETER_HINTS[`${parameter.name}=${parameter.value}`]
    : alternative && `the free alternative is ${alternative.hint}`;
  if (hint) message += `; ${hint}`;
  if (input.remembered) {
    message += ` [not asked again: Alpha Vantage refused it at ${input.remembered.refusedAt.toISOString()}, remembered until ${input.remembered.expiresAt.toISOString()}]`;
  } else if (input.notice) {
    message += `. Alpha Vantage: "${input.notice}"`;
  }
  const error = new PremiumEndpointError(message, {
    endpoint: input.endpoint,
    ...(input.symbol ? { symbol: input.symbol } : {}),
    ...(parameter ? { parameter } : {}),
    ...(alternative ? { alternative: alternative.endpoint } : {}),
    remembered: input.remembered !== undefined,
  });
  if (input.notice) notices.set(error, input.notice);
  return error;
}
