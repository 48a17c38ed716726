import { ReplyError } from 'ioredis';
import { OutcomeUnknown, StoreUnavailable } from '../common/domain-error';

/**
 * Redis replies that say the server cannot serve now, not that we asked wrongly, by their error code (the reply's
 * first word): out of memory, a read-only or cut-off replica, loading, a busy script, a cluster that redirects or is
 * down, and a NOSCRIPT that outlived ioredis's EVAL fallback. Anything else Redis answers (a Lua runtime error
 * `ERR user_script:...`, WRONGTYPE) is a bug of ours and stays a 500.
 */
const UNAVAILABLE_REPLIES = new Set([
  'OOM',
  'READONLY',
  'MASTERDOWN',
  'LOADING',
  'BUSY',
  'NOSCRIPT',
  'MOVED',
  'ASK',
  'CLUSTERDOWN',
  'TRYAGAIN',
]);

/**
 * ioredis's own errors when no reply came: the link is down (no offline queue), closed, or slower than the command
 * timeout; and on a cluster, the client not (or no longer) connected, redirections beyond its budget, or a slot map
 * it could not refresh. (A socket
 * error such as ECONNREFUSED is only emitted as the connection's 'error' event, never a command's.)
 */
const LINK_FAILURES =
  /^(Connection is closed|Command timed out|Stream isn't writeable|Cluster isn't ready|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes)/;

/** Is this a failure of Redis to serve (down, timed out, refusing for now) rather than a bug? */
export function isStoreFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof ReplyError) {
    // A MULTI that Redis discarded (EXECABORT) carries the replies that made it fail.
    const previous = (error as { previousErrors?: unknown[] }).previousErrors;
    if (previous?.length) return previous.some(isStoreFailure);
    return UNAVAILABLE_REPLIES.has(error.message.split(' ', 1)[0]);
  }
  return error.name === 'MaxRetriesPerRequestError' || LINK_FAILURES.test(error.message);
}

/** `error` as the domain sees it: StoreUnavailable for a store failure (kept as its cause), otherwise itself. */
export function asStoreError(error: unknown): unknown {
  return error instanceof StoreUnavailable || !isStoreFailure(error) ? error : new StoreUnavailable(error);
}

/** Awaits a Redis call; a store failure rejects as StoreUnavailable. */
export function storeCall<T>(call: Promise<T>): Promise<T> {
  return call.catch((error: unknown) => {
    throw asStoreError(error);
  });
}

/**
 * A command that was sent and never answered: slower than the command timeout, or in flight when the connection
 * dropped (ioredis then gives up with MaxRetriesPerRequestError). Redis may yet run it (a paused server runs what
 * waits in its socket when it resumes). A command refused before sending ("Connection is closed", "Stream isn't
 * writeable") or answered with an error did not run.
 */
export function wasSentUnanswered(error: unknown): boolean {
  const cause = error instanceof StoreUnavailable ? error.cause : error;
  if (!(cause instanceof Error) || cause instanceof ReplyError) return false;
  return cause.name === 'MaxRetriesPerRequestError' || /^Command timed out/.test(cause.message);
}

/**
 * Awaits a write whose outcome the caller's answer reports (`what`: "the approval"): sent and unanswered, it rejects
 * as OutcomeUnknown; any other store failure as StoreUnavailable.
 */
export function outcomeCall<T>(call: Promise<T>, what: string): Promise<T> {
  return call.catch((error: unknown) => {
    if (wasSentUnanswered(error)) throw new OutcomeUnknown(what, error);
    throw asStoreError(error);
  });
}
