-- Adds a job unless its dedup key is already taken: one feedback, one webhook event, one fallback per key.
-- KEYS: 1 due set, 2 job hash, 3 dedup key (the job hash again when the job has none)
-- ARGV: 1 job id, 2 type, 3 payload JSON, 4 due at ms, 5 dedup ttl ms, 6 '1' when deduplicated, 7 now ms
if ARGV[6] == '1' and not redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[5]) then
  return {'duplicate'}
end
redis.call('HSET', KEYS[2], 'type', ARGV[2], 'payload', ARGV[3], 'attempts', '0', 'createdAt', ARGV[7], 'lease', '')
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
return {'enqueued'}
