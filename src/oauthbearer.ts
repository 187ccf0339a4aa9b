// OAUTHBEARER tokens from JavaScript: librdkafka asks for a token when it
// needs one (at connect, then at 80% of the current token's lifetime); we call
// the user's provider on the event loop and hand its answer back. A provider
// that throws or returns an unusable token is reported to librdkafka, which
// raises an _AUTHENTICATION error and asks again in 10 s.
import { ErrorCodes } from './generated/error-codes';
import { KafkaError } from './kafka-error';
import { invalid } from './validation';

export interface OAuthBearerToken {
  /** The token as the broker expects it (for a JWT: its compact serialization). */
  token: string;
  /**
   * When the token expires, in milliseconds since the epoch (librdkafka's
   * `md_lifetime_ms`), e.g. `Date.now() + expiresInSeconds * 1000`.
   * librdkafka asks for the next token at 80% of the time left.
   */
  lifetimeMs: number;
  /** The principal the token is for (the JWT's `sub`, for librdkafka's logs and checks). */
  principal: string;
  /** SASL/OAUTHBEARER extensions (RFC 7628), e.g. Confluent Cloud's `logicalCluster` and `identityPoolId`. */
  extensions?: Record<string, string>;
}

/**
 * Makes a token. `config` is the client's `sasl.oauthbearer.config` string
 * (empty when unset). May be slow: it runs on the event loop, and librdkafka
 * waits for it without blocking anything.
 */
export type OAuthBearerTokenProvider = (config: string) => OAuthBearerToken | Promise<OAuthBearerToken>;

/** Client option shared by Producer, Consumer and AdminClient. */
export interface OAuthBearerOptions {
  /**
   * Supplies OAUTHBEARER tokens (e.g. from an AWS MSK IAM signer or your own
   * identity provider). Needs `security.protocol` sasl_plaintext or sasl_ssl
   * and `sasl.mechanisms: 'OAUTHBEARER'`; replaces librdkafka's built-in
   * token sources (`sasl.oauthbearer.method: 'oidc'`, unsecured JWTs).
   */
  oauthBearerTokenProvider?: OAuthBearerTokenProvider;
}

/** What a native client offers for the provider (see native/oauth_token.h). */
export interface NativeOAuthBearerTarget {
  enableOAuthBearerTokenRefresh(onRefresh: (config: string) => void): void;
  setOAuthBearerToken(token: string, lifetimeMs: number, principal: string, extensions: string[]): void;
  setOAuthBearerTokenFailure(message: string): void;
}

// RFC 7628: values are visible ASCII, space, tab, CR or LF; keys are letters.
const EXTENSION_VALUE = /^[\x21-\x7e \t\r\n]*$/;
const EXTENSION_KEY = /^[A-Za-z]+$/;
// Below this a lifetime cannot be an epoch time (it is before 2001): almost
// surely a duration such as 3_600_000, which would be "already expired".
const EPOCH_MS_FLOOR = 1_000_000_000_000;

const failures = new WeakSet<KafkaError>();

/** connect() rethrows these as they are: they already say what to change, and came before any timeout. */
export function isTokenFailure(error: unknown): error is KafkaError {
  return error instanceof KafkaError && failures.has(error);
}

function tokenFailure(message: string, cause?: unknown): KafkaError {
  const error = new KafkaError(message, { errno: ErrorCodes._AUTHENTICATION, retriable: false, cause });
  failures.add(error);
  return error;
}

function describeThrown(value: unknown): string {
  if (value instanceof Error) return value.message || value.name;
  return typeof value === 'string' ? value : `a non-Error value (${typeof value})`;
}

function configValue(config: Record<string, string>, key: string): string {
  return (config[key] ?? '').trim().toLowerCase();
}

/** Checks what a provider returned; messages never quote the token. */
export function checkToken(value: unknown): { token: string; lifetimeMs: number; principal: string; extensions: string[] } {
  if (typeof value !== 'object' || value === null)
    throw invalid('the token', 'an object { token, lifetimeMs, principal }', value);
  const { token, lifetimeMs, principal, extensions } = value as Partial<OAuthBearerToken>;
  if (typeof token !== 'string' || token.length === 0) {
    throw new TypeError(`Expected a non-empty string for token but received ${token === '' ? 'an empty string' : typeof token}`);
  }
  if (!EXTENSION_VALUE.test(token)) {
    throw new TypeError(
      'Expected token to contain only visible ASCII characters, spaces, tabs, CR or LF (RFC 7628); it has others',
    );
  }
  if (typeof lifetimeMs !== 'number' || !Number.isFinite(lifetimeMs)) {
    throw invalid('lifetimeMs', 'the expiry time in milliseconds since the epoch', lifetimeMs);
  }
  if (lifetimeMs < EPOCH_MS_FLOOR) {
    throw new TypeError(
      `Expected lifetimeMs to be when the token expires, in milliseconds since the epoch ` +
        `(e.g. Date.now() + 3_600_000), but received ${lifetimeMs}, which looks like a duration`,
    );
  }
  if (lifetimeMs <= Date.now()) {
    throw new TypeError(`Expected lifetimeMs in the future but the token expired at ${new Date(lifetimeMs).toISOString()}`);
  }
  if (typeof principal !== 'string' || principal.length === 0) throw invalid('principal', 'a non-empty string', principal);
  const flat: string[] = [];
  if (extensions !== undefined) {
    if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) {
      throw invalid('extensions', 'an object of string values', extensions);
    }
    for (const [key, extension] of Object.entries(extensions)) {
      if (!EXTENSION_KEY.test(key) || key === 'auth') {
        throw new TypeError(`Expected extension names of letters only, other than "auth", but received "${key.slice(0, 40)}"`);
      }
      if (typeof extension !== 'string' || !EXTENSION_VALUE.test(extension)) {
        throw new TypeError(`Expected extensions.${key} to be a string of visible ASCII characters`);
      }
      flat.push(key, extension);
    }
  }
  return { token, lifetimeMs: Math.floor(lifetimeMs), principal, extensions: flat };
}

/**
 * One client's provider. Create it before the client connects; connect()
 * awaits its first request through whileConnecting().
 */
export class OAuthBearerTokenRefresh {
  readonly #target: NativeOAuthBearerTarget;
  readonly #provider: OAuthBearerTokenProvider;
  #inFlight = false;
  #closed = false;
  #rejectConnect: ((error: KafkaError) => void) | undefined;

  /** Returns undefined when no provider is given. Throws a TypeError for a config it cannot work with. */
  static attach(
    target: NativeOAuthBearerTarget,
    provider: OAuthBearerTokenProvider | undefined,
    config: Record<string, string>,
    parameter: string,
  ): OAuthBearerTokenRefresh | undefined {
    if (provider === undefined) return undefined;
    if (typeof provider !== 'function') throw invalid(parameter, 'a function returning a token', provider);
    const mechanism = configValue(config, 'sasl.mechanisms') || configValue(config, 'sasl.mechanism');
    const protocol = configValue(config, 'security.protocol');
    if (mechanism !== 'oauthbearer' || (protocol !== 'sasl_plaintext' && protocol !== 'sasl_ssl')) {
      throw new TypeError(
        `${parameter} needs config "security.protocol": "sasl_ssl" (or "sasl_plaintext") and ` +
          `"sasl.mechanisms": "OAUTHBEARER"; received ${protocol || 'no security.protocol'} and ${mechanism || 'no sasl.mechanisms'}`,
      );
    }
    if (configValue(config, 'sasl.oauthbearer.method') === 'oidc') {
      throw new TypeError(`${parameter} and "sasl.oauthbearer.method": "oidc" both supply tokens; use one of them`);
    }
    return new OAuthBearerTokenRefresh(target, provider);
  }

  private constructor(target: NativeOAuthBearerTarget, provider: OAuthBearerTokenProvider) {
    this.#target = target;
    this.#provider = provider;
    target.enableOAuthBearerTokenRefresh((config) => this.#onRefresh(config));
  }

  /**
   * Settles like `operation`, unless the provider fails or the cluster refuses
   * its token first: then it rejects at once with that authentication error.
   */
  async whileConnecting<T>(operation: Promise<T>): Promise<T> {
    const failed = new Promise<never>((_, reject) => {
      this.#rejectConnect = reject;
    });
    try {
      return await Promise.race([operation, failed]);
    } finally {
      this.#rejectConnect = undefined;
      operation.catch(() => {}); // its own outcome no longer matters once the race is lost
    }
  }

  /** The client's error events: while connecting, a refused token ends connect(). */
  noteClientError(error: KafkaError): void {
    if (this.#rejectConnect === undefined || error.errno !== ErrorCodes._AUTHENTICATION) return;
    this.#rejectConnect(
      tokenFailure(
        `The cluster refused the OAUTHBEARER token: ${error.message}; check what the token provider returns ` +
          "(expiry, audience, issuer, principal) against the broker's validation settings",
        error,
      ),
    );
  }

  /** After close(): late provider answers are dropped. */
  close(): void {
    this.#closed = true;
  }

  #onRefresh(config: string): void {
    // librdkafka asks again only after the next token is set or a failure
    // reported, so a request while one is in flight is already being answered.
    if (this.#closed || this.#inFlight) return;
    this.#inFlight = true;
    void this.#refresh(config).finally(() => {
      this.#inFlight = false;
    });
  }

  async #refresh(config: string): Promise<void> {
    let answer: unknown;
    try {
      answer = await this.#provider(config);
    } catch (cause) {
      this.#fail(`the token provider threw: ${describeThrown(cause)}`, cause);
      return;
    }
    if (this.#closed) return;
    let token: ReturnType<typeof checkToken>;
    try {
      token = checkToken(answer);
    } catch (cause) {
      this.#fail(`the token provider returned an unusable token: ${(cause as Error).message}`, cause);
      return;
    }
    try {
      this.#target.setOAuthBearerToken(token.token, token.lifetimeMs, token.principal, token.extensions);
    } catch (cause) {
      this.#fail((cause as Error).message, cause);
    }
  }

  #fail(reason: string, cause: unknown): void {
    if (this.#closed) return;
    const error = tokenFailure(`OAUTHBEARER token provider failed: ${reason}`, cause);
    try {
      // librdkafka raises an _AUTHENTICATION error event with this reason and retries in 10 s.
      this.#target.setOAuthBearerTokenFailure(reason);
    } catch {
      // closed meanwhile: nobody is waiting for a token any more
    }
    this.#rejectConnect?.(error);
  }
}
