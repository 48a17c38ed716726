-- Counts a wrong code against the verification and against the number (a window that a new code never resets).
-- Failures, not reservations, end a verification, so a right code still in flight can yet be approved. Only the
-- rejection that turns it failed returns ended = '1', so the failure is told once however many guesses race.
-- With an Idempotency-Key the answer is recorded in this same step (status and attempts filled in here).
-- KEYS: 1 record, 2 code hash, 3 failed checks of the number, 4 pending index, 5 idempotency key (the record's
--       key when none)
-- ARGV: 1 id, 2 now ms, 3 retention ms, 4 failed-check window ms, 5 held idempotency entry ('' when none),
--       6 answer entry, 7 answer ttl ms
if redis.call('INCR', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
local r = redis.call('HMGET', KEYS[1], 'status', 'attempts', 'maxAttempts', 'expiresAt')
if not r[1] then
  record_answer(KEYS[5], ARGV[5] or '', ARGV[6], ARGV[7], 'expired', '0')
  return {'rejected', 'expired', '0', '0'}
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local status, ended = r[1], '0'
if status == 'pending' and is_expired(ARGV[2], r[4]) then
  status = 'expired'
elseif status == 'pending' and failures >= tonumber(r[3]) then
  status, ended = 'failed', '1'
  finish(KEYS[1], KEYS[2], KEYS[4], ARGV[1], 'failed', ARGV[2], ARGV[3])
end
local remaining = tostring(math.max(0, tonumber(r[3]) - tonumber(r[2])))
record_answer(KEYS[5], ARGV[5] or '', ARGV[6], ARGV[7], status, remaining)
return {'rejected', status, remaining, ended}
