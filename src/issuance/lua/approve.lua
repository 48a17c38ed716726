-- Approves a verification exactly once, and only for the code version the check reserved: a resend in between
-- makes the old code worthless.
-- With an Idempotency-Key the answer is recorded in this same step, so a retry learns of the approval even when
-- this reply never reached the service.
-- KEYS: 1 record, 2 code hash, 3 pending index, 4 idempotency key (the record's key when none)
-- ARGV: 1 id, 2 code version, 3 now ms, 4 retention ms, 5 held idempotency entry ('' when none), 6 answer entry,
--       7 answer ttl ms
local r = redis.call('HMGET', KEYS[1], 'status', 'codeVersion', 'messageId', 'expiresAt')
if r[1] ~= 'pending' or r[2] ~= ARGV[2] or is_expired(ARGV[3], r[4]) then return {'stale'} end
if redis.call('EXISTS', KEYS[2]) == 0 then return {'stale'} end
finish(KEYS[1], KEYS[2], KEYS[3], ARGV[1], 'approved', ARGV[3], ARGV[4])
record_answer(KEYS[4], ARGV[5] or '', ARGV[6], ARGV[7])
return {'approved', r[3]}
