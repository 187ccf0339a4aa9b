// librdkafka sends most admin requests to the controller named by the last
// metadata it read and, while that broker is down, waits for it to come back
// instead of asking the cluster again. With KRaft any live broker can serve
// them, yet every such call times out until the periodic metadata refresh
// (topic.metadata.refresh.interval.ms, 5 min by default). So when a broker
// connection fails, the AdminClient asks any live broker for the broker list:
// the answer names a live controller, and librdkafka wakes the requests that
// were waiting for one.
import { ErrorCodes } from '../generated/error-codes';
import type { KafkaError } from '../kafka-error';

const BROKER_LOST = new Set<number>([ErrorCodes._TRANSPORT, ErrorCodes._ALL_BROKERS_DOWN]);

export class ControllerRefresh {
  readonly #refresh: () => Promise<unknown>;
  readonly #minIntervalMs: number;
  #lastStartedAt = Number.NEGATIVE_INFINITY;
  #inFlight = false;
  #trailing: NodeJS.Timeout | undefined;
  #stopped = false;

  /** `refresh` sends one brokers-only metadata request; it may reject. */
  constructor(refresh: () => Promise<unknown>, minIntervalMs = 1000) {
    this.#refresh = refresh;
    this.#minIntervalMs = minIntervalMs;
  }

  /** Called with each client error event; acts only on lost broker connections. */
  noteError(error: KafkaError): void {
    if (this.#stopped || !BROKER_LOST.has(error.errno)) return;
    const wait = this.#lastStartedAt + this.#minIntervalMs - Date.now();
    if (wait <= 0 && !this.#inFlight) {
      this.#start();
    } else if (this.#trailing === undefined) {
      // The last failure of a burst still gets its refresh, once the interval has passed.
      this.#trailing = setTimeout(
        () => {
          this.#trailing = undefined;
          if (!this.#stopped) this.#start();
        },
        Math.max(wait, this.#minIntervalMs),
      );
      this.#trailing.unref();
    }
  }

  /** No refresh starts after this (the client is closing). */
  stop(): void {
    this.#stopped = true;
    if (this.#trailing !== undefined) clearTimeout(this.#trailing);
    this.#trailing = undefined;
  }

  #start(): void {
    this.#lastStartedAt = Date.now();
    this.#inFlight = true;
    this.#refresh()
      .catch(() => {}) // best effort: the next lost connection tries again
      .finally(() => {
        this.#inFlight = false;
      });
  }
}
