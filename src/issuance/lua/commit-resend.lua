-- Installs the code of a resend: it replaces the previous code (new hash, next code version) and gets a fresh
-- lifetime. If the verification finished while the message was on its way, nothing changes.
-- KEYS: 1 record, 2 code hash, 3 pending index
-- ARGV: 1 id, 2 code hash, 3 code ttl ms, 4 send attempt JSON, 5 message id, 6 expires at ms, 7 record ttl ms,
--       8 now ms
local r = redis.call('HMGET', KEYS[1], 'status', 'sends', 'expiresAt')
if not r[1] then return {'finished', 'expired'} end
if r[1] ~= 'pending' then return {'finished', r[1]} end
-- Expired while the message was on its way: it must not come back to life beside a newer verification.
if tonumber(ARGV[8]) >= tonumber(r[3]) then return {'finished', 'expired'} end
local sends = cjson.decode(r[2])
table.insert(sends, cjson.decode(ARGV[4]))
redis.call('HSET', KEYS[1], 'sends', cjson.encode(sends), 'messageId', ARGV[5], 'expiresAt', ARGV[6])
redis.call('HINCRBY', KEYS[1], 'codeVersion', 1)
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
return {'committed'}
