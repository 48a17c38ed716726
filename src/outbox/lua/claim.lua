-- Leases one job that the caller saw due: it gets a due time of now + lease (its visibility timeout), so no other
-- worker takes it meanwhile, and it comes due again by itself if this worker dies. Two workers that saw the same job
-- due both call this; the first moves its due time past now and the second finds it not due: each job is leased once.
-- A due entry whose job hash is gone is dropped.
-- KEYS: 1 due set, 2 job hash
-- ARGV: 1 job id, 2 now ms, 3 lease ms, 4 lease token
-- Returns {} (not due, or gone) or {type, payload JSON, attempts}.
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[2]) then return {} end
local job = redis.call('HMGET', KEYS[2], 'type', 'payload')
if not job[1] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return {}
end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
local attempts = redis.call('HINCRBY', KEYS[2], 'attempts', 1)
redis.call('HSET', KEYS[2], 'lease', ARGV[4])
return {job[1], job[2], tostring(attempts)}
