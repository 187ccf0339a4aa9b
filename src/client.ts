// What every client shares (Producer, Consumer, AdminClient): the lifecycle
// state, connect with the underlying cause of a failure, off-thread calls
// tracked so a close waits for them, use-after-close errors, the fatal and
// last error, event dispatch and cluster metadata.
import { EventEmitter } from 'node:events';

import { AbortError, type AbortOptions, expectSignal, withAbort } from './abort';
import { type ClientEvents, connectFailure, handleClientEvent } from './client-events';
import { ErrorCodes } from './generated/error-codes';
import { KafkaError } from './kafka-error';
import type { ClusterMetadata } from './metadata';
import type { NativeClient } from './native';
import { isTokenFailure, type OAuthBearerTokenProvider, OAuthBearerTokenRefresh } from './oauthbearer';
import { expectInteger, expectTopicName } from './validation';

export type ClientState = 'created' | 'connected' | 'disconnecting' | 'closed';

/** How a client names itself in errors: `producer` / `Producer`. */
export interface ClientNames {
  noun: string;
  className: string;
}

export interface ConnectOptions extends AbortOptions {
  /** How long the cluster has to answer (default 10 s). */
  timeoutMs?: number;
}

export interface MetadataOptions extends AbortOptions {
  /** One topic only; omit for every topic. */
  topic?: string;
  timeoutMs?: number;
}

// EventEmitter's own constraint for an event map.
type EventMap<T> = Record<keyof T, unknown[]>;

export abstract class Client<Events extends EventMap<Events> & ClientEvents> extends EventEmitter<Events> {
  readonly #names: ClientNames;
  readonly #pendingCalls = new Set<Promise<unknown>>();
  #state: ClientState = 'created';
  #disconnecting: Promise<void> | undefined;
  #fatalError: KafkaError | undefined;
  #lastClientError: KafkaError | undefined;
  #tokens: OAuthBearerTokenRefresh | undefined;
  #connecting = false;

  protected constructor(names: ClientNames) {
    super();
    this.#names = names;
  }

  /** The native object; set by the subclass constructor. */
  protected abstract readonly native: NativeClient;

  /** Starts the client and checks that the cluster answers within timeoutMs. */
  async connect(options: ConnectOptions = {}): Promise<void> {
    if (this.#state !== 'created') {
      throw new KafkaError(
        `Cannot connect ${article(this.#names.noun)} ${this.#names.noun} that is ${this.#state}; create a new ${this.#names.className}`,
        { errno: ErrorCodes._STATE },
      );
    }
    const timeoutMs = expectInteger('options.timeoutMs', options?.timeoutMs ?? 10_000, 1);
    const signal = expectSignal('connect', options);
    this.native.connect();
    this.#state = 'connected';
    this.#connecting = true;
    try {
      const answered = this.native.getMetadata(null, false, timeoutMs);
      // With a token provider, a failed or refused token ends the wait at once.
      await withAbort('connect', this.track(this.#tokens ? this.#tokens.whileConnecting(answered) : answered), signal);
    } catch (error) {
      if (error instanceof AbortError) {
        // An aborted connect leaves a closed client: it closes in the background.
        this.closeAfterFailedConnect().catch(() => undefined);
        throw error;
      }
      this.collectEventsAfterFailedConnect();
      await this.closeAfterFailedConnect();
      throw isTokenFailure(error) ? error : connectFailure(error as KafkaError, this.#lastClientError, timeoutMs);
    } finally {
      this.#connecting = false;
    }
  }

  get isConnected(): boolean {
    return this.#state === 'connected';
  }

  /** Brokers, topics, partitions, leaders, replicas and in-sync replicas. */
  async getMetadata(options: MetadataOptions = {}): Promise<ClusterMetadata> {
    const topic = options.topic === undefined ? null : expectTopicName('options.topic', options.topic);
    const timeoutMs = expectInteger('options.timeoutMs', options.timeoutMs ?? 10_000, 1);
    const signal = expectSignal('getMetadata', options);
    this.ensureUsable();
    return (await withAbort(
      'getMetadata',
      this.track(this.native.getMetadata(topic, topic === null, timeoutMs)),
      signal,
    )) as ClusterMetadata;
  }

  /** Closes the client; each client's disconnect() says what it waits for. */
  abstract disconnect(): Promise<void>;

  /** `await using client = new ...`: disconnect() when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }

  /** connect() is waiting for the cluster to answer. */
  protected get connecting(): boolean {
    return this.#connecting;
  }

  /**
   * Subclass constructors call this once the native client exists: an
   * OAUTHBEARER token provider (src/oauthbearer.ts) answers librdkafka's
   * token requests.
   */
  protected attachTokenProvider(provider: OAuthBearerTokenProvider | undefined, nativeConfig: Record<string, string>): void {
    this.#tokens = OAuthBearerTokenRefresh.attach(this.native, provider, nativeConfig, 'options.oauthBearerTokenProvider');
  }

  protected get state(): ClientState {
    return this.#state;
  }

  /** The fatal error librdkafka raised, if any: the client cannot be used any more. */
  protected get fatalError(): KafkaError | undefined {
    return this.#fatalError;
  }

  /**
   * Serves what librdkafka reported while connect waited, so that its cause
   * (a refused connection, a TLS or SASL failure) is known. Clients whose
   * events are served as they come need nothing here.
   */
  protected collectEventsAfterFailedConnect(): void {}

  /** Closes the way the client does after a failed connect. */
  protected abstract closeAfterFailedConnect(): Promise<void>;

  /**
   * Runs `close` once: later calls get the same promise. A client never
   * connected (or closed already) resolves at once. `close` moves the state
   * on with markDisconnecting(); the state is 'closed' once it settles.
   */
  protected disconnectOnce(close: () => Promise<void>): Promise<void> {
    if (this.#state === 'created' || this.#state === 'closed') {
      this.#state = 'closed';
      return Promise.resolve();
    }
    this.#disconnecting ??= close().then(
      () => {
        this.#state = 'closed';
      },
      (error: unknown) => {
        if (this.#state === 'disconnecting') this.#state = 'closed';
        throw error;
      },
    );
    return this.#disconnecting;
  }

  /** First step of a close: new calls are refused, running ones are awaited. */
  protected async markDisconnecting(): Promise<void> {
    this.#state = 'disconnecting';
    await Promise.allSettled([...this.#pendingCalls]);
  }

  /** Throws the reason the client cannot be used now (fatal error, not connected, closed). */
  protected ensureUsable(): void {
    if (this.#fatalError) throw this.#fatalError;
    if (this.#state === 'connected') return;
    const { noun, className } = this.#names;
    const hint =
      this.#state === 'created' ? `call await ${noun}.connect() first` : `the ${noun} is closed; create a new ${className}`;
    throw new KafkaError(`${className} is ${this.#state === 'created' ? 'not connected' : this.#state}: ${hint}`, {
      errno: ErrorCodes._STATE,
    });
  }

  /** Remembers an off-thread call so that a close waits for it. */
  protected track<T>(promise: Promise<T>): Promise<T> {
    this.#pendingCalls.add(promise);
    const forget = (): void => {
      this.#pendingCalls.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  /** The native onEvent callback: keeps the errors connect() and usable() need, then emits. */
  protected handleNativeEvent(kind: string, payload: unknown[]): void {
    if (kind === 'error') {
      const error = payload[0] as KafkaError;
      // _ALL_BROKERS_DOWN is a consequence; keep the cause (SSL, SASL, refused) for connect().
      if (error.errno !== ErrorCodes._ALL_BROKERS_DOWN) this.#lastClientError = error;
      if (error.fatal) this.noteFatalError(error);
      this.#tokens?.noteClientError(error);
    }
    handleClientEvent(this as unknown as EventEmitter, kind, payload);
  }

  /** A fatal error: every later call rethrows it (the first one noted). Subclasses wake what waits. */
  protected noteFatalError(error: KafkaError): void {
    this.#fatalError ??= error;
  }

  /**
   * librdkafka answered _FATAL (a refused call, a consumer's error message):
   * the fatal error it stands for, with its underlying code, read from the
   * handle when no event has brought it yet. `answer` if the handle has none.
   */
  protected fatalErrorBehind(answer: KafkaError): KafkaError {
    if (this.#fatalError === undefined) this.noteFatalError(this.native.fatalError() ?? answer);
    return this.#fatalError ?? answer;
  }
}

function article(noun: string): string {
  return /^[aeiouAEIOU]/.test(noun) ? 'an' : 'a';
}
