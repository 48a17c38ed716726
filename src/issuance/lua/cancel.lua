-- Cancels a pending verification: its code stops working at once.
-- KEYS: 1 record, 2 code hash, 3 pending index
-- ARGV: 1 client id, 2 id, 3 now ms, 4 retention ms
local r = redis.call('HMGET', KEYS[1], 'clientId', 'status', 'expiresAt')
if not r[1] or r[1] ~= ARGV[1] then return {'not_found'} end
if r[2] ~= 'pending' then return {'finished', r[2]} end
if tonumber(ARGV[3]) >= tonumber(r[3]) then return {'finished', 'expired'} end
redis.call('HSET', KEYS[1], 'status', 'canceled', 'finishedAt', ARGV[3])
redis.call('DEL', KEYS[2])
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {'canceled'}
