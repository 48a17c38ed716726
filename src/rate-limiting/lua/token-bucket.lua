-- Reserves one token of a bucket shared by every instance: `rate` tokens a second, at most `burst` saved up. A caller
-- that finds the bucket empty reserves a future token (the count goes below zero) and is told how long to wait, so
-- waiting callers are served in arrival order and never faster than the rate. A wait longer than the caller accepts
-- reserves nothing. Time is Redis's own clock, the one clock every instance shares; the embedded store (one process)
-- passes the process clock instead, as ioredis-mock's TIME is not a clock below the second.
-- KEYS: 1 bucket
-- ARGV: 1 rate per second, 2 burst, 3 longest wait ms, 4 now ms ('' on Redis)
-- Returns {'granted', wait ms} or {'refused', wait ms it would have needed}.
local now = tonumber(ARGV[4])
if not now then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local perMs = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs) - 1
local wait = 0
if tokens < 0 then wait = math.ceil(-tokens / perMs) end
if wait > tonumber(ARGV[3]) then return {'refused', tostring(wait)} end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
-- Once full again the bucket is the same as no bucket: let it go.
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / perMs) + 1000)
return {'granted', tostring(wait)}
