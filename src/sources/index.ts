/**
 * Sources other than the live API: the file extractor that replays saved Alpha Vantage
 * responses, the naming scheme of its folder, and the fetch wrapper that records them.
 */
export { FileExtractor, type FileExtractorOptions } from './file-extractor';
export { type ResponseKey, responseFileBase } from './file-names';
export { type RecordingFetchOptions, recordingFetch } from './recording-fetch';
