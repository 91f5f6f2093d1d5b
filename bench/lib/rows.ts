/**
 * Synthetic intraday rows for the load benchmarks: deterministic, realistic shapes (4-decimal
 * prices around 100, 1-minute bars during a session), generated once per process so every
 * contender in a comparison writes exactly the same data.
 */
import type { IntradayPriceRow } from '../../src/transform/rows';

/** Start of the first bar: a Monday 04:00 New York (08:00 UTC in March, before DST). */
const START_MS = Date.UTC(2024, 2, 4, 9, 0);
const MINUTE = 60_000;

/**
 * `symbols × barsPerSymbol` 1-minute bars. `version` shifts every price by one tick, so rows of
 * version 1 are "all changed" against version 0 while keys stay identical.
 */
export function makeIntradayRows(
  symbols: number,
  barsPerSymbol: number,
  version = 0,
): IntradayPriceRow[] {
  const rows: IntradayPriceRow[] = new Array(symbols * barsPerSymbol);
  let n = 0;
  for (let s = 0; s < symbols; s++) {
    const symbol = `B${String(s).padStart(3, '0')}`;
    // A cheap deterministic walk; 1e4 = four decimals, like Alpha Vantage intraday bodies.
    let price = 1_000_000 + s * 1_337;
    for (let b = 0; b < barsPerSymbol; b++) {
      price += ((b * 7919 + s * 104_729) % 201) - 100;
      const open = price + version;
      const close = open + ((b % 13) - 6);
      const high = Math.max(open, close) + (b % 5);
      const low = Math.min(open, close) - (b % 7);
      rows[n++] = {
        symbol,
        interval: '1min',
        ts: new Date(START_MS + b * MINUTE).toISOString(),
        open: fixed4(open),
        high: fixed4(high),
        low: fixed4(low),
        close: fixed4(close),
        volume: String(1000 + ((b * 31 + s) % 9000) + version),
      };
    }
  }
  return rows;
}

function fixed4(tenThousandths: number): string {
  const whole = Math.floor(tenThousandths / 10_000);
  const frac = tenThousandths % 10_000;
  return `${whole}.${String(frac).padStart(4, '0')}`;
}

/** The COPY text of `rows` in `stock_prices_intraday` column order, in chunks of `perChunk` rows. */
export function serializeCopyText(rows: readonly IntradayPriceRow[], perChunk = 2000): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < rows.length; i += perChunk) {
    let text = '';
    const end = Math.min(rows.length, i + perChunk);
    for (let j = i; j < end; j++) {
      const r = rows[j] as IntradayPriceRow;
      text += `${r.symbol}\t${r.interval}\t${r.ts}\t${r.open}\t${r.high}\t${r.low}\t${r.close}\t${r.volume}\n`;
    }
    chunks.push(text);
  }
  return chunks;
}

/** Column values of one row in table order, for parameterised INSERTs. */
export function rowValues(r: IntradayPriceRow): string[] {
  return [r.symbol, r.interval, r.ts, r.open, r.high, r.low, r.close, r.volume];
}
