-- Makes a job due again later (a retry with backoff), but only for the worker that holds its lease.
-- KEYS: 1 due set, 2 job hash
-- ARGV: 1 job id, 2 lease token, 3 due at ms, 4 reason
if redis.call('HGET', KEYS[2], 'lease') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], 'lease', '', 'lastError', ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
