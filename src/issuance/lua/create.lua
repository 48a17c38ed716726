-- Stores a verification whose first code was sent, and makes it the pending one for (client, purpose, number).
-- A previous pending verification there is canceled in the same step: one number has at most one live code per
-- client and purpose. The previous verification's keys are derived from KEYS[1] and KEYS[2] by swapping the id:
-- its id carries the same hash tag (same number), so they live in the same cluster slot.
-- KEYS: 1 record, 2 code hash, 3 pending index
-- ARGV: 1 id, 2 (unused), 3 code hash, 4 code ttl ms, 5 record ttl ms, 6 now ms, 7 retention ms,
--       8.. record field/value pairs
local current = redis.call('GET', KEYS[3]) or ''
local replaced = ''
if current ~= '' and string.match(current, '^VE[0-9a-f]+$') then
  local prevRecord = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1]) .. current
  local prevHash = string.sub(KEYS[2], 1, #KEYS[2] - #ARGV[1]) .. current
  local prev = redis.call('HMGET', prevRecord, 'status', 'expiresAt')
  if prev[1] == 'pending' and not is_expired(ARGV[6], prev[2]) then
    finish(prevRecord, prevHash, KEYS[3], current, 'canceled', ARGV[6], ARGV[7])
    replaced = current
  end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[4])
return {'created', replaced}
