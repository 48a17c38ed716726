-- create.lua with the start's answer recorded under its Idempotency-Key in the same step, so a retry with the key
-- gets the 201 of the verification whose code went out, even when this reply never reached the service. Every key
-- it touches is in KEYS: the caller read the pending index first and names the verification it expects to
-- replace; if another start changed the index since, nothing is written and the caller reads it again.
-- KEYS: 1 record, 2 code hash, 3 pending index, 4 previous record, 5 previous code hash, 6 idempotency key
--       (4 and 5 are the new record's keys when there is no previous verification)
-- ARGV: 1 id, 2 previous id ('' when none), 3 code hash, 4 code ttl ms, 5 record ttl ms, 6 now ms, 7 retention ms,
--       8 held idempotency entry, 9 answer entry, 10 answer ttl ms, 11.. record field/value pairs
local current = redis.call('GET', KEYS[3]) or ''
if current ~= ARGV[2] then return {'moved', current} end
local replaced = ''
if current ~= '' then
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
record_answer(KEYS[6], ARGV[8], ARGV[9], ARGV[10])
return {'created', replaced}
