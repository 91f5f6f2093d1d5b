import { ascii, ByteBuilder } from './byte-builder';
import { CLOCK, flatObject, q } from './format';

/**
 * Builds a time-series response newest bar first, in either of the service's formats, straight
 * into bytes. JSON is pretty-printed exactly like the real bodies (4-space indent, every value a
 * string) so byte-level quirks — and faults that edit the text — behave as on the real thing.
 */
export interface SeriesWriter {
  /** Appends one bar; `values` are already-formatted field values, in field order. */
  row(timestamp: string, values: readonly string[]): void;
  /**
   * Fast path for intraday OHLCV bars: `datePrefix` is the encoded `YYYY-MM-DD ` and `minute` the
   * minute of the day; prices are integer ten-thousandths.
   */
  ohlcv(
    datePrefix: Uint8Array,
    minute: number,
    o: number,
    h: number,
    l: number,
    c: number,
    v: number,
  ): void;
  /** The finished body. */
  finish(): Buffer;
}

/** Where and how to write a series. */
export interface SeriesLayout {
  /** `json` or `csv`. */
  format: 'json' | 'csv';
  /** `Meta Data` entries (JSON only); read when the body is finished, so they may still change. */
  meta: Array<[string, string]>;
  /** The data key, e.g. `Time Series (5min)`. */
  seriesKey: string;
  /** JSON field names, e.g. `1. open`. */
  fields: readonly string[];
  /** CSV header line (without line ending). */
  csvHeader: string;
  /** CSV line ending. */
  eol: string;
}

const CLOCK_BYTES = CLOCK.map(ascii);

/** A writer for `layout`. */
export function seriesWriter(layout: SeriesLayout): SeriesWriter {
  return layout.format === 'csv' ? csvWriter(layout) : jsonWriter(layout);
}

function jsonWriter(layout: SeriesLayout): SeriesWriter {
  const out = new ByteBuilder();
  const prefixes = layout.fields.map((f, i) =>
    ascii(`${i === 0 ? '' : '",\n'}            ${q(f)}: "`),
  );
  const first = ascii('\n        "');
  const next = ascii(',\n        "');
  const open = ascii('": {\n');
  const close = ascii('"\n        }');
  let count = 0;
  const start = (timestamp: Uint8Array | string, minute = -1) => {
    out.bytes(count === 0 ? first : next);
    if (typeof timestamp === 'string') out.text(timestamp);
    else {
      out.bytes(timestamp);
      out.bytes(CLOCK_BYTES[minute]!);
    }
    out.bytes(open);
    count++;
  };
  return {
    row(timestamp, values) {
      start(timestamp);
      for (let i = 0; i < values.length; i++) {
        out.bytes(prefixes[i]!);
        out.text(values[i]!);
      }
      out.bytes(close);
    },
    ohlcv(datePrefix, minute, o, h, l, c, v) {
      start(datePrefix, minute);
      out.bytes(prefixes[0]!);
      out.price4(o);
      out.bytes(prefixes[1]!);
      out.price4(h);
      out.bytes(prefixes[2]!);
      out.price4(l);
      out.bytes(prefixes[3]!);
      out.price4(c);
      out.bytes(prefixes[4]!);
      out.uint(v);
      out.bytes(close);
    },
    finish() {
      // The header is written last so callers can fill `Last Refreshed` from the bars written.
      const head = `{\n    "Meta Data": ${flatObject(layout.meta, '    ')},\n    ${q(layout.seriesKey)}: {`;
      const tail = count === 0 ? '}\n}' : '\n    }\n}';
      return Buffer.concat([Buffer.from(head, 'utf8'), out.result(), Buffer.from(tail, 'latin1')]);
    },
  };
}

function csvWriter(layout: SeriesLayout): SeriesWriter {
  const out = new ByteBuilder();
  const comma = ascii(',');
  const eol = ascii(layout.eol);
  out.text(layout.csvHeader);
  out.bytes(eol);
  return {
    row(timestamp, values) {
      out.text(timestamp);
      for (let i = 0; i < values.length; i++) {
        out.bytes(comma);
        out.text(values[i]!);
      }
      out.bytes(eol);
    },
    ohlcv(datePrefix, minute, o, h, l, c, v) {
      out.bytes(datePrefix);
      out.bytes(CLOCK_BYTES[minute]!);
      out.bytes(comma);
      out.price4(o);
      out.bytes(comma);
      out.price4(h);
      out.bytes(comma);
      out.price4(l);
      out.bytes(comma);
      out.price4(c);
      out.bytes(comma);
      out.uint(v);
      out.bytes(eol);
    },
    finish() {
      return out.result();
    },
  };
}
