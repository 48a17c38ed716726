-- Keeps a delivery report on the send attempt that carried a message. Events repeat and arrive out of order: a
-- non-final report never replaces a final one, and one no newer than the kept one of the same finality is dropped.
-- Times are ISO-8601 strings of one format, so they compare as strings. The record's TTL is untouched.
-- Each send's report lives in fields of its own (`delivery:<i>`, with its finality and time beside it).
-- KEYS: 1 record
-- ARGV: 1 message id, 2 report JSON {status, eventType, at, description?, final}, 3 final ('1' or '0'), 4 at
local r = redis.call('HMGET', KEYS[1], 'send:' .. ARGV[1], 'messageId')
if not r[1] then return {'unknown'} end
local i = r[1]
local kept = redis.call('HMGET', KEYS[1], 'deliveryFinal:' .. i, 'deliveryAt:' .. i)
if kept[1] then
  if kept[1] == '1' and ARGV[3] == '0' then return {'stale'} end
  if kept[1] == ARGV[3] and kept[2] >= ARGV[4] then return {'stale'} end
end
redis.call('HSET', KEYS[1], 'delivery:' .. i, ARGV[2], 'deliveryFinal:' .. i, ARGV[3], 'deliveryAt:' .. i, ARGV[4])
return {'recorded', i, r[2] == ARGV[1] and '1' or '0'}
