-- Gives back a resend claim whose send failed, unless a later claim has taken its place.
-- KEYS: 1 record
-- ARGV: 1 claimed at ms, 2 previous send at ms
if redis.call('HGET', KEYS[1], 'lastSendAt') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'lastSendAt', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'sendCount', -1)
end
return 1
