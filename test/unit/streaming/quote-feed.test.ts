import { describe, expect, it } from 'vitest';
import { QuoteFeed } from '../../../src/streaming/quote-feed';
import type { StreamQuote } from '../../../src/streaming/types';

const q = (price: string) => ({ symbol: 'IBM', price, changed: true, stored: true }) as StreamQuote;

describe('QuoteFeed', () => {
  it('holds polling back while an iterator is full, and lets it go when the consumer reads', async () => {
    const feed = new QuoteFeed();
    const it = feed.iterate({ highWaterMark: 2 });
    const signal = new AbortController().signal;
    feed.push(q('1'));
    await feed.drained(signal); // room for one more
    feed.push(q('2'));
    let released = false;
    const waiting = feed.drained(signal).then(() => {
      released = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(false);
    expect((await it.next()).value?.price).toBe('1');
    await waiting;
    expect(released).toBe(true);
  });

  it('hands out what it holds after the end, then finishes; abort and return end early', async () => {
    const feed = new QuoteFeed();
    const a = feed.iterate();
    const controller = new AbortController();
    const b = feed.iterate({ signal: controller.signal });
    const c = feed.iterate();
    feed.push(q('1'));
    controller.abort();
    expect(await b.next()).toMatchObject({ value: { price: '1' }, done: false });
    expect(await b.next()).toEqual({ value: undefined, done: true });
    await c.return?.();
    expect(await c.next()).toEqual({ value: undefined, done: true });
    feed.push(q('2'));
    feed.end();
    const prices: string[] = [];
    for await (const quote of a) prices.push(quote.price);
    expect(prices).toEqual(['1', '2']);
  });

  it('never holds polling for an iterator that ended', async () => {
    const feed = new QuoteFeed();
    const controller = new AbortController();
    feed.iterate({ highWaterMark: 1, signal: controller.signal });
    feed.push(q('1'));
    controller.abort();
    await feed.drained(new AbortController().signal); // resolves
  });
});
