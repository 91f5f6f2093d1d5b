import { hashString, Prng } from './prng';

/**
 * Per-symbol parameters of the synthetic market, derived only from the upper-cased symbol so
 * that every server instance, on every machine, invents the same history for `IBM`.
 */
export interface SymbolProfile {
  /** Upper-cased symbol; the seed of everything else. */
  key: string;
  /** Seed of the symbol's daily walk. */
  seed: number;
  /** Typical price level (economic, split-free), dollars. */
  basePrice: number;
  /** Daily volatility (standard deviation of the log return). */
  sigma: number;
  /** Typical daily share volume. */
  volume: number;
  /** Annual dividend yield; 0 for non-payers. */
  dividendYield: number;
  /** First month (1–3) of the quarterly ex-dividend cycle. */
  dividendMonth: number;
  /** Day of month on or after which the ex-dividend date falls. */
  dividendDay: number;
  /** A split: on the first trading day on/after `date`, one old share becomes `ratio` new ones. */
  split: { date: string; ratio: number } | null;
}

/** Index levels behave differently from stocks (no dividends, no splits, larger levels). */
const INDEX_LEVELS: Record<string, { base: number; sigma: number }> = {
  SPX: { base: 4000, sigma: 0.011 },
  DJI: { base: 32000, sigma: 0.01 },
  COMP: { base: 12000, sigma: 0.014 },
  NDX: { base: 13000, sigma: 0.015 },
  VIX: { base: 19, sigma: 0.06 },
  RUT: { base: 1800, sigma: 0.015 },
  NYA: { base: 14000, sigma: 0.01 },
  SOX: { base: 3000, sigma: 0.02 },
  OEX: { base: 1900, sigma: 0.011 },
  XAU: { base: 120, sigma: 0.02 },
};

/** The synthetic profile of a stock symbol. */
export function stockProfile(symbol: string): SymbolProfile {
  const key = symbol.toUpperCase();
  const seed = hashString(key, 0x5eed);
  const r = new Prng(seed ^ 0x9e3779b9);
  const basePrice = 15 + r.next() * 385;
  const sigma = 0.009 + r.next() * 0.017;
  const volume = Math.round(2e5 * 10 ** (r.next() * 2.2));
  const payer = r.next() < 0.65;
  const dividendYield = payer ? 0.006 + r.next() * 0.034 : 0;
  const dividendMonth = 1 + Math.floor(r.next() * 3);
  const dividendDay = 5 + Math.floor(r.next() * 15);
  let split: SymbolProfile['split'] = null;
  if (r.next() < 0.35) {
    const year = 2004 + Math.floor(r.next() * 18);
    const month = 1 + Math.floor(r.next() * 12);
    const day = 1 + Math.floor(r.next() * 28);
    const ratios = [2, 3, 4, 2];
    split = {
      date: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      ratio: ratios[Math.floor(r.next() * ratios.length)]!,
    };
  }
  return { key, seed, basePrice, sigma, volume, dividendYield, dividendMonth, dividendDay, split };
}

/** The synthetic profile of an index (`SPX`, `DJI`, …): no dividends, no splits. */
export function indexProfile(symbol: string): SymbolProfile {
  const key = symbol.toUpperCase();
  const seed = hashString(key, 0x1dec);
  const level = INDEX_LEVELS[key];
  const r = new Prng(seed);
  return {
    key,
    seed,
    basePrice: level?.base ?? 500 + r.next() * 5000,
    sigma: level?.sigma ?? 0.012,
    volume: Math.round(1e8 + r.next() * 2e9),
    dividendYield: 0,
    dividendMonth: 1,
    dividendDay: 1,
    split: null,
  };
}

/** Index symbols and names served by INDEX_CATALOG and accepted by INDEX_DATA. */
export const INDEX_CATALOG: Readonly<Record<string, string>> = Object.freeze({
  SPX: 'S&P 500',
  DJI: 'Dow Jones Industrial Average',
  COMP: 'NASDAQ Composite',
  NDX: 'NASDAQ-100',
  VIX: 'CBOE Volatility Index',
  RUT: 'Russell 2000',
  NYA: 'NYSE Composite',
  SOX: 'PHLX Semiconductor Index',
  OEX: 'S&P 100',
  XAU: 'PHLX Gold/Silver Sector Index',
});
