-- Stores a verification whose first code was sent, indexes its message id, and makes it the pending one for
-- (client, purpose, number). A previous pending verification there is canceled in the same step: one number has at
-- most one live code per client and purpose. The caller read the pending index first and passes the previous
-- verification's keys (its id has the same hash tag: same number, same slot); if the index changed since, nothing is
-- written and the caller reads it again. Without a previous verification KEYS 4 and 5 are KEYS 1 and 2 again.
-- With an Idempotency-Key the start's answer is recorded in this same step, so a retry with the key gets the 201 of
-- the verification whose code went out, even when this reply never reached the service.
-- KEYS: 1 record, 2 code hash, 3 pending index, 4 previous record, 5 previous code hash, 6 message index,
--       7 idempotency key (the record's key when none)
-- ARGV: 1 id, 2 the pending index as the caller read it ('' for none), 3 code hash, 4 code ttl ms, 5 record ttl ms,
--       6 now ms, 7 retention ms, 8 held idempotency entry ('' when none), 9 answer entry, 10 answer ttl ms,
--       11.. record field/value pairs
local current = redis.call('GET', KEYS[3]) or ''
if current ~= ARGV[2] then return {'index_changed'} end
local replaced = ''
if KEYS[4] ~= KEYS[1] then
  local prev = redis.call('HMGET', KEYS[4], 'status', 'expiresAt')
  if prev[1] == 'pending' and not is_expired(ARGV[6], prev[2]) then
    finish(KEYS[4], KEYS[5], KEYS[3], current, 'canceled', ARGV[6], ARGV[7])
    replaced = current
  end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 11))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[4])
redis.call('SET', KEYS[6], ARGV[1], 'PX', ARGV[5])
record_answer(KEYS[7], ARGV[8], ARGV[9], ARGV[10])
return {'created', replaced}
