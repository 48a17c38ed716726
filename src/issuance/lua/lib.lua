-- Shared by every script of the verification store (prepended when a script is loaded): the two rules that must
-- read the same everywhere.

-- A code is dead at its expiresAt, not a millisecond later: the same rule as effectiveStatus() in verification.ts.
local function is_expired(now, expires_at)
  return tonumber(now) >= tonumber(expires_at)
end

-- Ends a verification: its status and time, its code gone at once, its pending index freed if it still points here,
-- and the record kept for status queries until the retention ends.
local function finish(record, hash, index, id, status, now, retention)
  redis.call('HSET', record, 'status', status, 'finishedAt', now)
  redis.call('DEL', hash)
  if redis.call('GET', index) == id then redis.call('DEL', index) end
  redis.call('PEXPIRE', record, retention)
end

-- Records a request's answer under its Idempotency-Key in the step that made its outcome, if the request still
-- holds the key (its pending entry, byte for byte); `held` empty: the request sent no key. `status` and `remaining`
-- fill the placeholders of a rejection's answer.
local function record_answer(key, held, answer, ttl, status, remaining)
  if held == '' or redis.call('GET', key) ~= held then return end
  if status then answer = string.gsub(answer, '__STATUS__', status) end
  if remaining then answer = string.gsub(answer, '"__REMAINING__"', remaining) end
  redis.call('SET', key, answer, 'PX', ttl)
end
