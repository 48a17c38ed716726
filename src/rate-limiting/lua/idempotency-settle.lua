-- Settles an idempotency key that this request holds: stores its answer, or (empty answer) releases the key so a
-- retry runs afresh. A request whose hold has expired and been taken by another changes nothing.
-- KEYS: 1 idempotency key
-- ARGV: 1 holder token, 2 answer JSON or '', 3 answer ttl ms
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, entry = pcall(cjson.decode, current)
if not ok or entry.token ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
