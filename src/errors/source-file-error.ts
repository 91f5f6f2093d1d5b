import { StockEtlError, type StockEtlErrorOptions } from './stock-etl-error';

/**
 * Why a {@link FileExtractor} could not read a saved response:
 * - `missing` — no file for the request (the message names the file it looked for);
 * - `ambiguous` — both `NAME.json` and `NAME.csv` exist, and it will not guess which is current;
 * - `unreadable` — the file exists but could not be read (permissions, a folder of that name).
 */
export type SourceFileReason = 'missing' | 'ambiguous' | 'unreadable';

/**
 * A file source has no usable saved response for a request. `file` is the path it looked for
 * (for `ambiguous`, the JSON one; `files` lists every candidate). A response that *was* read but
 * is bad is a {@link ResponseFormatError} (or the typed error of the notice it holds), as from the
 * live API.
 */
export class SourceFileError extends StockEtlError {
  /** What went wrong. */
  readonly reason: SourceFileReason;
  /** The file looked for. */
  readonly file: string;
  /** Every file looked at (the `.json` and `.csv` candidates). */
  readonly files: readonly string[];
  /**
   * @param reason - missing, ambiguous or unreadable
   * @param message - names the file and what to do
   * @param options - the file(s) and the file-system error as `cause`
   */
  constructor(
    reason: SourceFileReason,
    message: string,
    options: StockEtlErrorOptions & { file: string; files?: readonly string[] },
  ) {
    super('SOURCE_FILE', message, options);
    this.reason = reason;
    this.file = options.file;
    this.files = options.files ?? [options.file];
  }
}
