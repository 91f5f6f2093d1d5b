import type { Clock } from '../clock';
import type { PremiumParameter } from '../errors/api-errors';
import { type BudgetScope, type BudgetStore, type KnownRefusal, refusalId } from './budget-store';
import type { AlphaVantagePlan } from './options';

/** How long a premium refusal is remembered: plans and Alpha Vantage's premium list change. */
export const DEFAULT_ENTITLEMENT_TTL_MS = 7 * 86_400_000;

/**
 * How often the memory is refreshed from the store, so refusals learnt by other processes are
 * picked up without a store query per request.
 */
const REFRESH_MS = 60_000;

/** Dependencies of {@link Entitlements}. @internal */
export interface EntitlementsOptions {
  store: BudgetStore;
  scope: BudgetScope;
  plan: AlphaVantagePlan;
  clock: Clock;
  ttlMs: number;
  /** A store read or write failed; the memory still works. */
  onStoreError: (what: string, error: unknown) => void;
}

/**
 * What this API key was refused as premium, so no refusal is paid for twice: kept in memory for
 * the extractor's life and in the budget store (shared by processes with `PostgresBudgetStore`).
 * A refusal counts only for the plan it was observed under — configuring another plan (an
 * upgrade) starts clean — and only for `ttlMs` (a week by default). @internal
 */
export class Entitlements {
  readonly #o: EntitlementsOptions;
  readonly #memory = new Map<string, KnownRefusal>();
  #syncedAt = Number.NEGATIVE_INFINITY;
  #syncing: Promise<void> | undefined;

  constructor(options: EntitlementsOptions) {
    this.#o = options;
  }

  /** When a refusal stops being trusted. */
  expiresAt(refusal: KnownRefusal): Date {
    return new Date(refusal.refusedAt.getTime() + this.#o.ttlMs);
  }

  /** The remembered refusal covering a request to `endpoint` with `params`, if any. */
  async find(
    endpoint: string,
    params: Readonly<Record<string, string | undefined>>,
  ): Promise<KnownRefusal | undefined> {
    await this.#sync(false);
    return this.findInMemory(endpoint, params);
  }

  /** Like {@link Entitlements.find}, from memory only (no store read): for the last check before sending. */
  findInMemory(
    endpoint: string,
    params: Readonly<Record<string, string | undefined>>,
  ): KnownRefusal | undefined {
    for (const r of this.#effective()) {
      if (r.endpoint !== endpoint) continue;
      if (r.parameter === null || params[r.parameter.name] === r.parameter.value) return r;
    }
    return undefined;
  }

  /** Remembers a refusal Alpha Vantage just answered, in memory and in the store. */
  async remember(
    endpoint: string,
    parameter: PremiumParameter | null,
    notice: string | null,
  ): Promise<void> {
    const refusal: KnownRefusal = {
      endpoint,
      parameter,
      plan: this.#o.plan,
      refusedAt: new Date(this.#o.clock.now()),
      notice,
    };
    this.#memory.set(refusalId(refusal), refusal);
    try {
      await this.#o.store.recordRefusal(this.#o.scope, refusal);
    } catch (error) {
      this.#o.onStoreError('record a premium refusal', error);
    }
  }

  /** The refusals in force for this plan (store re-read first), oldest first. */
  async list(): Promise<KnownRefusal[]> {
    await this.#sync(true);
    return this.#effective().sort((a, b) => a.refusedAt.getTime() - b.refusedAt.getTime());
  }

  /** Forgets every refusal of this key and service (all plans), here and in the store. */
  async forget(): Promise<number> {
    const inMemory = this.#memory.size;
    this.#memory.clear();
    const stored = await this.#o.store.forgetRefusals(this.#o.scope);
    return Math.max(inMemory, stored);
  }

  /** Unexpired refusals of the configured plan; expired ones are dropped. */
  #effective(): KnownRefusal[] {
    const now = this.#o.clock.now();
    const out: KnownRefusal[] = [];
    for (const [id, r] of this.#memory) {
      if (now - r.refusedAt.getTime() >= this.#o.ttlMs) this.#memory.delete(id);
      else if (r.plan === this.#o.plan) out.push(r);
    }
    return out;
  }

  #sync(force: boolean): Promise<void> {
    const now = this.#o.clock.now();
    if (!force && now - this.#syncedAt < REFRESH_MS) return Promise.resolve();
    this.#syncing ??= (async () => {
      try {
        const since = new Date(now - this.#o.ttlMs);
        for (const r of await this.#o.store.refusals(this.#o.scope, since)) {
          const id = refusalId(r);
          const mine = this.#memory.get(id);
          if (!mine || mine.refusedAt < r.refusedAt) this.#memory.set(id, r);
        }
        this.#syncedAt = now;
      } catch (error) {
        // Without the store the memory still saves what this process learnt; try again later.
        this.#syncedAt = now;
        this.#o.onStoreError('read remembered premium refusals', error);
      } finally {
        this.#syncing = undefined;
      }
    })();
    return this.#syncing;
  }
}
