import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findNotice } from '../alpha-vantage/classify';
import { isObject } from '../alpha-vantage/parse/common';
import { redactText } from '../alpha-vantage/redact';
import { ValidationError } from '../errors/validation-error';
import { dataKeyOf } from './endpoints';
import { type ResponseKey, responseFileBase, responseKeyOf } from './file-names';

/** Options of {@link recordingFetch}. */
export interface RecordingFetchOptions {
  /** The folder to save responses in; created (with its parents) when missing. */
  dir: string;
  /**
   * The fetch that reaches the API.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Also save bodies that are not data — notices (rate limit, daily limit, premium refusal,
   * invalid call) and JSON that does not parse — so a replay raises the same errors. Off by
   * default, so a rate-limited moment never replaces a good recording.
   * @default false
   */
  notices?: boolean;
  /** Called after each response is saved. */
  onRecord?: (saved: { file: string; function: string; symbol: string }) => void;
  /**
   * Called when a response could not be saved (disk full, permissions); the response is still
   * returned to the extractor. Without it, the failure fails the request (as a network failure
   * would: the extractor may retry it), so a recording is never silently incomplete.
   */
  onError?: (error: unknown, file: string) => void;
}

/**
 * A `fetch` that saves every Alpha Vantage response it passes on — for the requests a
 * {@link FileExtractor} replays, named so it finds them — closing the loop: record once from the
 * live API, replay offline as often as you like.
 *
 * Only HTTP 200 bodies of the replayed functions (daily, weekly, monthly, adjusted or not,
 * intraday, quote, overview, index) are saved; other requests pass through untouched. The API key
 * never reaches the folder: it is not in the file name, and removed from the body (Alpha Vantage
 * echoes it in one notice). Each file is written whole, then renamed into place, so a reader never
 * sees half a response; a later response for the same name replaces it (a `.csv` replaces a
 * `.json` of the same name, and the other way round).
 *
 * @example
 * ```ts
 * const extractor = new AlphaVantageExtractor({ apiKey, fetch: recordingFetch({ dir: './recorded' }) });
 * await new Pipeline({ db, extractor }).run('IBM', 'daily'); // also saves TIME_SERIES_DAILY__IBM.json
 * ```
 * @throws {@link ValidationError} when the folder cannot be created or written
 */
export function recordingFetch(options: RecordingFetchOptions): typeof fetch {
  if (!options || typeof options.dir !== 'string' || options.dir === '') {
    throw new ValidationError('options.dir must name the folder to record into', {
      field: 'options.dir',
    });
  }
  const dir = resolve(options.dir);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new ValidationError(`cannot record into ${dir}: ${why}`, { field: 'options.dir', cause });
  }
  const inner = options.fetch ?? globalThis.fetch;
  const recording = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await inner(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const key = responseKeyOf(url.searchParams);
    if (key === null || response.status !== 200) return response;
    const text = await response.text();
    const apiKey = url.searchParams.get('apikey');
    const clean = redactText(text, apiKey ? [apiKey] : []);
    const format = /^\uFEFF?\s*[{[]/.test(clean) ? 'json' : 'csv';
    if (options.notices || isData(key, clean, format)) {
      const file = join(dir, `${responseFileBase(key)}.${format}`);
      try {
        await save(
          file,
          clean,
          join(dir, `${responseFileBase(key)}.${format === 'json' ? 'csv' : 'json'}`),
        );
        options.onRecord?.({ file, function: key.function, symbol: key.symbol });
      } catch (error) {
        if (!options.onError) throw error;
        options.onError(error, file);
      }
    }
    // The body was read here: hand on a new response with it (decoded, so no encoding headers).
    const headers = new Headers(response.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
  return recording as typeof fetch;
}

/** Whether a body is data rather than a notice or a broken body (see `interpretAnswer`). */
function isData(key: ResponseKey, text: string, format: 'json' | 'csv'): boolean {
  if (format === 'csv') return !/^\uFEFF?\s*</.test(text); // an HTML error page is not data
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return false;
  }
  const notice = findNotice(body);
  if (notice === undefined) return isObject(body) && Object.keys(body).length > 0;
  const dataKey = dataKeyOf(key);
  return notice.key !== 'message' && dataKey !== undefined && isObject(body) && dataKey in body;
}

/** Writes `file` whole (a temporary name, then a rename) and removes its other-format twin. */
async function save(file: string, text: string, twin: string): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await rm(twin, { force: true });
}
