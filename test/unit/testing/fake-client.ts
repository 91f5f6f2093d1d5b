import type { FakeAlphaVantage } from '../../../src/testing';

/** A response from the fake, read as text. */
export interface FakeResponse {
  status: number;
  contentType: string | null;
  text: string;
}

/** GETs `/query` with `params` (and `apikey` unless given) using plain fetch. */
export async function query(
  fake: FakeAlphaVantage,
  params: Record<string, string>,
  init?: RequestInit,
): Promise<FakeResponse> {
  const search = new URLSearchParams({ apikey: 'test-key', ...params });
  const res = await fetch(`${fake.url}/query?${search}`, init);
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    text: await res.text(),
  };
}

/** GETs and parses JSON. */
export async function queryJson(
  fake: FakeAlphaVantage,
  params: Record<string, string>,
): Promise<Record<string, unknown>> {
  const r = await query(fake, params);
  return JSON.parse(r.text) as Record<string, unknown>;
}

/** The one key of a parsed body that is not `Meta Data`. */
export function seriesOf(body: Record<string, unknown>): Record<string, Record<string, string>> {
  const key = Object.keys(body).find((k) => k !== 'Meta Data');
  if (!key) throw new Error('no series key');
  return body[key] as Record<string, Record<string, string>>;
}

/** CSV lines without the trailing empty line. */
export function csvLines(text: string): string[] {
  return text.split('\r\n').filter((l) => l !== '');
}
