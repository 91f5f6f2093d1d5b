/** A map from event name to the listener's argument type. */
export type EventMap = { [name: string]: unknown };

/** A listener for event `K` of map `E`. */
export type Listener<E extends EventMap, K extends keyof E> = (payload: E[K]) => void;

/**
 * A minimal typed event emitter. A listener that throws is isolated: the error goes to
 * `onListenerError` (default: ignored) and never breaks the emitting job.
 * @internal
 */
export class TypedEmitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<(payload: never) => void>>();
  readonly #onListenerError: (error: unknown, event: keyof E) => void;

  /** @param onListenerError - called when a listener throws; default ignores it */
  constructor(onListenerError?: (error: unknown, event: keyof E) => void) {
    this.#onListenerError = onListenerError ?? (() => {});
  }

  /** Adds `listener` for `event`; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E, K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs at most once. */
  once<K extends keyof E>(event: K, listener: Listener<E, K>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  /** Removes `listener` from `event`. */
  off<K extends keyof E>(event: K, listener: Listener<E, K>): void {
    this.#listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  /** Number of listeners on `event`. */
  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /**
   * Calls every listener of `event` synchronously with `payload`.
   * @internal
   */
  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<E, K>)(payload);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }
}
