-- Installs the code of a resend: it replaces the previous code (new hash, next code version) and gets a fresh
-- lifetime. If the verification finished while the message was on its way, nothing changes. The send attempt is
-- appended to the `sends` JSON array as text (no JSON library needed), and indexed by its message id (in the record
-- and in the message index, which shares the record's slot). With an Idempotency-Key the resend's answer is recorded
-- in this same step.
-- KEYS: 1 record, 2 code hash, 3 pending index, 4 message index, 5 idempotency key (the record's key when none)
-- ARGV: 1 id, 2 code hash, 3 code ttl ms, 4 send attempt JSON, 5 message id, 6 expires at ms, 7 record ttl ms,
--       8 now ms, 9 held idempotency entry ('' when none), 10 answer entry, 11 answer ttl ms
local r = redis.call('HMGET', KEYS[1], 'status', 'sends', 'expiresAt')
if not r[1] then return {'finished', 'expired'} end
if r[1] ~= 'pending' then return {'finished', r[1]} end
-- Expired while the message was on its way: it must not come back to life beside a newer verification.
if is_expired(ARGV[8], r[3]) then return {'finished', 'expired'} end
local index = redis.call('HINCRBY', KEYS[1], 'sendsLength', 1) - 1
local sends = string.sub(r[2], 1, -2) .. (r[2] == '[]' and '' or ',') .. ARGV[4] .. ']'
redis.call('HSET', KEYS[1], 'sends', sends, 'send:' .. ARGV[5], tostring(index), 'messageId', ARGV[5],
  'expiresAt', ARGV[6])
redis.call('HINCRBY', KEYS[1], 'codeVersion', 1)
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[7])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
record_answer(KEYS[5], ARGV[9] or '', ARGV[10], ARGV[11])
return {'committed'}
