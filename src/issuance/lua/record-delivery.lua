-- Keeps a delivery report on the send attempt that carried a message. Events repeat and arrive out of order: a
-- non-final report never replaces a final one, and one no newer than the kept one of the same finality is dropped.
-- Times are ISO-8601 strings of one format, so they compare as strings. The record's TTL is untouched.
-- KEYS: 1 record
-- ARGV: 1 message id, 2 report JSON {status, eventType, at, description?, final}
local r = redis.call('HMGET', KEYS[1], 'sends', 'messageId')
if not r[1] then return {'unknown'} end
local sends = cjson.decode(r[1])
local report = cjson.decode(ARGV[2])
for i, send in ipairs(sends) do
  if send.messageId == ARGV[1] then
    local kept = send.delivery
    if kept then
      if kept.final and not report.final then return {'stale'} end
      if kept.final == report.final and kept.at >= report.at then return {'stale'} end
    end
    send.delivery = report
    redis.call('HSET', KEYS[1], 'sends', cjson.encode(sends))
    return {'recorded', tostring(i - 1), r[2] == ARGV[1] and '1' or '0'}
  end
end
return {'unknown'}
