-- Compare-and-set of one Verify Service: replaces its JSON only if it is still what the caller read, so an update
-- never brings a deleted service back nor loses a concurrent update (the caller reads again and retries).
-- KEYS[1] the client's services hash; ARGV[1] the SID, ARGV[2] the JSON read, ARGV[3] the new JSON.
-- Returns 1 when replaced, 0 when the service is gone, -1 when it changed since it was read.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if current ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
