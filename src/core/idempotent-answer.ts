/**
 * The request's Idempotency-Key, held while it runs, as a use case needs it to record its answer in the same Lua step
 * as the write that answer describes: a retry with the key then gets the answer of what happened, even when the
 * first request never heard back from the store. `key` carries the hash tag of the verification's keys, so the step
 * touches one slot.
 */
export interface IdempotentAnswer<R> {
  /** The idempotency key's Redis key. */
  key: string;
  /** The holder's pending entry, byte for byte: the script replaces only that. */
  held: string;
  ttlMs: number;
  /** The stored entry for this result. A check's rejection passes the placeholders below for what its script decides. */
  entry(result: R): string;
}

/** In a rejection's entry: the status and attempts the reject script decides, filled in by the script. */
export const ANSWER_STATUS = '__STATUS__';
export const ANSWER_REMAINING = '__REMAINING__';
