// AbortSignal for the clients' long calls, in one place: the option's type,
// its check, and the race between the call and the signal. An aborted call
// rejects at once with an AbortError whose cause is `signal.reason`; the
// native call it started is not recalled: it ends in the background (within
// its own timeout) and its outcome is dropped, so librdkafka's state is the
// one it would have had without the signal.
import { AbortError, abortable } from './admin/common';
import { invalid } from './validation';

export { AbortError } from './admin/common';

export interface AbortOptions {
  /** Rejects the call with an AbortError (name 'AbortError', cause = signal.reason) once aborted. */
  signal?: AbortSignal;
}

/** The signal of an options object, checked; throws AbortError when it is aborted already. */
export function expectSignal(what: string, options: AbortOptions | undefined): AbortSignal | undefined {
  const signal = options?.signal;
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw invalid('options.signal', 'an AbortSignal', signal);
  if (signal.aborted) throw new AbortError(what, signal.reason);
  return signal;
}

/**
 * Settles with `promise`, or rejects with an AbortError as soon as `signal`
 * aborts. Without a signal it is `promise` itself (no cost).
 */
export function withAbort<T>(what: string, promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // its outcome is dropped, never unhandled
    return Promise.reject(new AbortError(what, signal.reason));
  }
  return abortable(what, promise, signal);
}

/** Calls `onAbort` once when the signal aborts; returns the function that stops listening. */
export function onAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (signal === undefined) return noop;
  if (signal.aborted) {
    onAbort();
    return noop;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

function noop(): void {}
