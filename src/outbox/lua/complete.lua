-- Removes a job, but only for the worker that holds its lease.
-- KEYS: 1 due set, 2 job hash
-- ARGV: 1 job id, 2 lease token
if redis.call('HGET', KEYS[2], 'lease') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
