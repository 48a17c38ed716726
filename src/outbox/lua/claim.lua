-- Leases up to `limit` due jobs: each gets a due time of now + lease (its visibility timeout), so no other worker
-- takes it meanwhile, and it comes due again by itself if this worker dies. Job keys share the due set's hash tag
-- and are derived from its name (it ends in 'due'), so the script stays in one cluster slot.
-- KEYS: 1 due set
-- ARGV: 1 now ms, 2 limit, 3 lease ms, 4 lease token
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local base = string.sub(KEYS[1], 1, #KEYS[1] - 3)
local out = {}
for _, id in ipairs(ids) do
  local key = base .. 'j:' .. id
  local job = redis.call('HMGET', key, 'type', 'payload')
  if not job[1] then
    redis.call('ZREM', KEYS[1], id)
  else
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), id)
    local attempts = redis.call('HINCRBY', key, 'attempts', 1)
    redis.call('HSET', key, 'lease', ARGV[4])
    table.insert(out, id)
    table.insert(out, job[1])
    table.insert(out, job[2])
    table.insert(out, tostring(attempts))
  end
end
return out
