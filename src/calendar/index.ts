export { MarketCalendar } from './market-calendar';
export {
  NYSE_ONE_OFF_CLOSURES,
  NYSE_ONE_OFF_EARLY_CLOSES,
  type OneOffClosure,
  type OneOffEarlyClose,
} from './one-offs';
export type { MarketCalendarOptions, MarketHoursOptions, MarketSession } from './types';
