-- Stores a verification whose first code was sent, and makes it the pending one for (client, purpose, number).
-- A previous pending verification there is canceled in the same step: one number has at most one live code per
-- client and purpose. The caller read the index before; if it moved since, we answer 'conflict' and it retries.
-- KEYS: 1 record, 2 code hash, 3 pending index, 4 previous record, 5 previous code hash
-- ARGV: 1 id, 2 expected previous id ('' for none), 3 code hash, 4 code ttl ms, 5 record ttl ms, 6 now ms,
--       7 retention ms, 8.. record field/value pairs
local current = redis.call('GET', KEYS[3]) or ''
if current ~= ARGV[2] then return {'conflict'} end
if current ~= '' then
  local prev = redis.call('HMGET', KEYS[4], 'status', 'expiresAt')
  if prev[1] == 'pending' and tonumber(prev[2]) > tonumber(ARGV[6]) then
    redis.call('HSET', KEYS[4], 'status', 'canceled', 'finishedAt', ARGV[6])
    redis.call('DEL', KEYS[5])
    redis.call('PEXPIRE', KEYS[4], ARGV[7])
  end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[4])
return {'created', current}
