-- Cancels a pending verification: its code stops working at once.
-- KEYS: 1 record, 2 code hash, 3 pending index
-- ARGV: 1 client id, 2 id, 3 now ms, 4 retention ms
local r = redis.call('HMGET', KEYS[1], 'clientId', 'status', 'expiresAt')
if not r[1] or r[1] ~= ARGV[1] then return {'not_found'} end
if r[2] ~= 'pending' then return {'finished', r[2]} end
if is_expired(ARGV[3], r[3]) then return {'finished', 'expired'} end
finish(KEYS[1], KEYS[2], KEYS[3], ARGV[2], 'canceled', ARGV[3], ARGV[4])
return {'canceled'}
