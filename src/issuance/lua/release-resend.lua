-- Gives back a resend claim whose send failed, unless a later claim has taken its place. A failed fallback also
-- gives back its once-per-verification mark, so that a retry may place the call.
-- KEYS: 1 record
-- ARGV: 1 claimed at ms, 2 previous send at ms, 3 fallback ('1' or '0')
if redis.call('HGET', KEYS[1], 'lastSendAt') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'lastSendAt', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'sendCount', -1)
  if ARGV[3] == '1' and redis.call('HGET', KEYS[1], 'fallbackAt') == ARGV[1] then
    redis.call('HDEL', KEYS[1], 'fallbackAt')
  end
end
return 1
