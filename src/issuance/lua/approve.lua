-- Approves a verification exactly once, and only for the code version the check reserved: a resend in between
-- makes the old code worthless. The hash is deleted; the record stays for status queries until retention ends.
-- KEYS: 1 record, 2 code hash, 3 pending index
-- ARGV: 1 id, 2 code version, 3 now ms, 4 retention ms
local r = redis.call('HMGET', KEYS[1], 'status', 'codeVersion', 'messageId', 'expiresAt')
if r[1] ~= 'pending' or r[2] ~= ARGV[2] or tonumber(ARGV[3]) >= tonumber(r[4]) then return {'stale'} end
if redis.call('DEL', KEYS[2]) == 0 then return {'stale'} end
redis.call('HSET', KEYS[1], 'status', 'approved', 'finishedAt', ARGV[3])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {'approved', r[3]}
