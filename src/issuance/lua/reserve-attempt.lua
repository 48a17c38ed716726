-- Takes one check attempt, before any hashing, so that N concurrent guesses evaluate at most maxAttempts codes.
-- Refuses without taking anything when the number has used up its failed-check budget across verifications.
-- KEYS: 1 record, 2 code hash, 3 failed checks of the number
-- ARGV: 1 client id, 2 now ms, 3 max failed checks per number
local r = redis.call('HMGET', KEYS[1], 'clientId', 'status', 'expiresAt', 'attempts', 'maxAttempts', 'codeVersion', 'messageId')
if not r[1] or r[1] ~= ARGV[1] then return {'not_found'} end
if r[2] ~= 'pending' then return {'finished', r[2]} end
local hash = redis.call('GET', KEYS[2])
if is_expired(ARGV[2], r[3]) or not hash then return {'finished', 'expired'} end
local attempts, max = tonumber(r[4]), tonumber(r[5])
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[3]) then
  return {'locked', tostring(math.max(0, max - attempts))}
end
if attempts >= max then return {'exhausted'} end
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
return {'reserved', hash, r[6], r[7], tostring(max - attempts - 1)}
