-- Takes the right to send another code: the verification is pending, the cooldown has passed and the send budget
-- is not spent. Marking the send now makes concurrent resends wait for the cooldown instead of all sending.
-- The automatic voice fallback (ARGV 5 = '1') skips the cooldown but claims a once-per-verification mark.
-- KEYS: 1 record
-- ARGV: 1 client id, 2 now ms, 3 cooldown ms, 4 max sends, 5 fallback ('1' or '0')
local r = redis.call('HMGET', KEYS[1], 'clientId', 'status', 'expiresAt', 'lastSendAt', 'sendCount', 'fallbackAt')
if not r[1] or r[1] ~= ARGV[1] then return {'not_found'} end
if r[2] ~= 'pending' then return {'finished', r[2]} end
local now = tonumber(ARGV[2])
if is_expired(now, r[3]) then return {'finished', 'expired'} end
if ARGV[5] == '1' and r[6] then return {'fallback_used'} end
if tonumber(r[5]) >= tonumber(ARGV[4]) then return {'max_sends'} end
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[1], 'fallbackAt', ARGV[2])
else
  local wait = tonumber(r[4]) + tonumber(ARGV[3]) - now
  if wait > 0 then return {'cooldown', tostring(wait)} end
end
redis.call('HSET', KEYS[1], 'lastSendAt', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'sendCount', 1)
return {'claimed', r[5], r[4]}
