import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';

const embedded = new WeakSet<object>();

/**
 * The store of `npm start` without REDIS_URL: ioredis-mock, an in-process keyspace with the ioredis API that runs
 * our Lua scripts (in fengari), so development runs the very scripts production runs. Single-instance, forgotten on
 * restart. Each one has a keyspace of its own (ioredis-mock shares data between instances of one host and port).
 */
export function createEmbeddedRedis(keyPrefix: string): Redis {
  const client = new RedisMock({ keyPrefix, port: nextPort++, lazyConnect: false }) as unknown as Redis;
  embedded.add(client);
  return client;
}

export function isEmbeddedRedis(redis: Redis): boolean {
  return embedded.has(redis);
}

let nextPort = 10_000;

/**
 * A script as the embedded store must run it, to see and give what real Redis scripts see and give. ioredis-mock
 * hands a script Redis's array replies as JavaScript proxies with `null` where Redis gives Lua `false` (a missing key
 * or hash field), and turns a table returned by the script into an array only when Lua lists its keys in order,
 * which a table filled by `table.insert` does not. So the replies become Lua tables with `false`, and the script
 * runs as a function whose table result is rebuilt by a table constructor.
 */
export function forEmbeddedRedis(lua: string): string {
  return `${EMBEDDED_LUA_PRELUDE}local function __script()\n${lua}\nend\n${EMBEDDED_LUA_RETURN}`;
}

const EMBEDDED_LUA_PRELUDE = `
local __redis_call = redis.call
local function __lua_reply(reply)
  if type(reply) ~= 'userdata' then return reply end
  if tostring(reply) == 'null' then return false end
  local t = {}
  for i = 1, #reply do t[i] = __lua_reply(reply[i]) end
  return t
end
redis.call = function(...) return __lua_reply(__redis_call(...)) end
`;

const EMBEDDED_LUA_RETURN = `local __result = __script()
if type(__result) == 'table' then return { unpack(__result) } end
return __result
`;
