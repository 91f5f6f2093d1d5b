import { AbortedError } from '../errors/aborted-error';
import { EXIT } from './usage-error';

/**
 * Ctrl-C (SIGINT) and SIGTERM for one CLI run. The first signal aborts `signal` — the pipeline
 * then ends the in-flight job as `ABORTED` in `etl_job_logs`, commits nothing half-done, and the
 * command closes the database and exits 130 (143 for SIGTERM). A command may take SIGTERM as
 * "finish what is running" instead (`onTerminate`). A second signal quits at once.
 */
export class Interrupts {
  readonly #controller = new AbortController();
  #received: 'SIGINT' | 'SIGTERM' | undefined;
  #onTerminate: (() => void) | undefined;
  readonly #handler = (signal: 'SIGINT' | 'SIGTERM') => this.#on(signal);

  /** Aborted by the first SIGINT (or SIGTERM without `onTerminate`). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The signal received, if any. */
  get received(): 'SIGINT' | 'SIGTERM' | undefined {
    return this.#received;
  }

  /** The exit code a received signal calls for (130 or 143), else undefined. */
  get exitCode(): number | undefined {
    if (this.#received === 'SIGINT') return EXIT.sigint;
    if (this.#received === 'SIGTERM' && !this.#onTerminate) return EXIT.sigterm;
    return undefined;
  }

  /** Called on SIGTERM instead of aborting (the scheduler lets its running job finish). */
  set onTerminate(fn: (() => void) | undefined) {
    this.#onTerminate = fn;
  }

  /** Starts listening; returns the function that stops. */
  install(): () => void {
    process.on('SIGINT', this.#handler);
    process.on('SIGTERM', this.#handler);
    return () => {
      process.off('SIGINT', this.#handler);
      process.off('SIGTERM', this.#handler);
    };
  }

  #on(signal: 'SIGINT' | 'SIGTERM'): void {
    if (this.#received) {
      console.error(`stock-etl: ${signal} again: quitting at once`);
      process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    this.#received = signal;
    if (signal === 'SIGTERM' && this.#onTerminate) {
      console.error('stock-etl: SIGTERM: finishing the running job, then stopping');
      this.#onTerminate();
      return;
    }
    console.error(
      `stock-etl: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: stopping the running job (ABORTED); ${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again to quit at once`,
    );
    this.#controller.abort(new AbortedError(`Interrupted by ${signal}`));
  }
}
