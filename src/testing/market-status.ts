import { utcMsToWallClock } from '../time/zone';
import { jsonReply, type Reply } from './context';
import { prettyJson } from './format';
import type { SessionIndex } from './sessions';
import { etDate } from './sessions';

type Market = [
  type: string,
  region: string,
  exchanges: string,
  open: string,
  close: string,
  zone: string,
  notes: string,
];

// The 16 markets of the recorded body (R: MARKET_STATUS__json__portfoliotree.json), with the
// zone each one's local hours are in, so `current_status` can be computed for any instant.
const MARKETS: Market[] = [
  ['Equity', 'United States', 'NASDAQ, NYSE, AMEX, BATS', '09:30', '16:15', 'America/New_York', ''],
  ['Equity', 'Canada', 'Toronto, Toronto Ventures', '09:30', '16:00', 'America/Toronto', ''],
  ['Equity', 'United Kingdom', 'London', '08:00', '16:30', 'Europe/London', ''],
  [
    'Equity',
    'Germany',
    'XETRA, Berlin, Frankfurt, Munich, Stuttgart',
    '08:00',
    '20:00',
    'Europe/Berlin',
    '',
  ],
  ['Equity', 'France', 'Paris', '09:00', '17:30', 'Europe/Paris', ''],
  ['Equity', 'Spain', 'Barcelona, Madrid', '09:00', '17:30', 'Europe/Madrid', ''],
  ['Equity', 'Portugal', 'Lisbon', '08:00', '16:30', 'Europe/Lisbon', ''],
  [
    'Equity',
    'Japan',
    'Tokyo',
    '09:00',
    '15:00',
    'Asia/Tokyo',
    'Noon trading break from 11:30 to 12:30 local time',
  ],
  ['Equity', 'India', 'NSE, BSE', '09:15', '15:30', 'Asia/Kolkata', ''],
  [
    'Equity',
    'Mainland China',
    'Shanghai, Shenzhen',
    '09:30',
    '15:00',
    'Asia/Shanghai',
    'Noon trading break from 11:30 to 13:00 local time',
  ],
  [
    'Equity',
    'Hong Kong',
    'Hong Kong',
    '09:30',
    '16:00',
    'Asia/Hong_Kong',
    'Noon trading break from 12:00 to 13:00 local time',
  ],
  ['Equity', 'Brazil', 'Sao Paolo', '10:00', '17:30', 'America/Sao_Paulo', ''],
  ['Equity', 'Mexico', 'Mexico', '08:30', '15:00', 'America/Mexico_City', ''],
  ['Equity', 'South Africa', 'Johannesburg', '09:00', '17:00', 'Africa/Johannesburg', ''],
  [
    'Forex',
    'Global',
    'Global',
    '00:00',
    '23:59',
    'America/New_York',
    'The forex market is open 24 hours a day, EXCEPT between 16:00 EST on Friday and 17:00 EST on Sunday',
  ],
  [
    'Cryptocurrency',
    'Global',
    'Global',
    '00:00',
    '23:59',
    'UTC',
    'The cryptocurrency market is open 24 hours a day',
  ],
];

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function status(m: Market, nowMs: number, sessions: SessionIndex): 'open' | 'closed' {
  const [type, region, , open, close, zone] = m;
  if (type === 'Cryptocurrency') return 'open';
  const w = utcMsToWallClock(zone, nowMs);
  const dow = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  const t = w.hour * 60 + w.minute;
  if (type === 'Forex') {
    if (dow === 6) return 'closed';
    if (dow === 5 && t >= 16 * 60) return 'closed';
    if (dow === 0 && t < 17 * 60) return 'closed';
    return 'open';
  }
  if (region === 'United States') {
    // The US row follows the real NYSE calendar (holidays, early closes); the service's own
    // close is 16:15, so that is kept on ordinary days.
    const s = sessions.window(etDate(nowMs));
    if (!s) return 'closed';
    const end = s.close === 960 ? minutesOf(close) : s.close;
    return t >= s.open && t < end ? 'open' : 'closed';
  }
  if (dow === 0 || dow === 6) return 'closed';
  return t >= minutesOf(open) && t < minutesOf(close) ? 'open' : 'closed';
}

/** MARKET_STATUS (API.md §2.9): JSON only; other markets ignore their holidays. */
export function marketStatus(nowMs: number, sessions: SessionIndex): Reply {
  const markets = MARKETS.map((m) => ({
    market_type: m[0],
    region: m[1],
    primary_exchanges: m[2],
    local_open: m[3],
    local_close: m[4],
    current_status: status(m, nowMs, sessions),
    notes: m[6],
  }));
  return jsonReply(prettyJson({ endpoint: 'Global Market Open & Close Status', markets }));
}
