-- Settles an idempotency key that this request holds: stores its answer, or (empty answer) releases the key so a
-- retry runs afresh. A request whose hold has expired and been taken by another changes nothing: the holder passes
-- its own pending entry, byte for byte, and only that entry is replaced.
-- KEYS: 1 idempotency key
-- ARGV: 1 the holder's pending entry JSON, 2 answer JSON or '', 3 answer ttl ms
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
