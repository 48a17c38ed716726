import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import * as luaparse from 'luaparse';

/**
 * On Redis Cluster a script may touch only the keys it was given: they pick the node it runs on, and a key built
 * inside the script may live on another one ("Script attempted to access a non local key"), or on the same node only
 * until a slot migrates. So every key argument of every `redis.call` must be `KEYS[n]`, or a parameter of a local
 * function that every caller hands a `KEYS[n]` (lib.lua's `finish`).
 */

/** The key positions of the commands our scripts may call (1 = the first argument after the command name). */
const SINGLE_KEY = [
  'GET',
  'SET',
  'INCR',
  'INCRBY',
  'DECR',
  'DECRBY',
  'PEXPIRE',
  'EXPIRE',
  'PTTL',
  'TTL',
  'PERSIST',
  'TYPE',
  'HGET',
  'HSET',
  'HMGET',
  'HMSET',
  'HDEL',
  'HINCRBY',
  'HGETALL',
  'HEXISTS',
  'HLEN',
  'HSETNX',
  'ZADD',
  'ZREM',
  'ZSCORE',
  'ZCARD',
  'ZCOUNT',
  'ZRANGE',
  'ZRANGEBYSCORE',
  'ZREMRANGEBYSCORE',
  'ZINCRBY',
  'SADD',
  'SREM',
  'SISMEMBER',
  'SCARD',
  'LPUSH',
  'RPUSH',
  'LPOP',
  'RPOP',
  'LLEN',
  'LRANGE',
];
const ALL_KEYS = ['DEL', 'UNLINK', 'EXISTS', 'MGET', 'TOUCH'];
const NO_KEYS = ['TIME', 'PING'];

function keyPositions(command: string, argc: number): number[] | undefined {
  const c = command.toUpperCase();
  if (SINGLE_KEY.includes(c)) return [1];
  if (ALL_KEYS.includes(c)) return Array.from({ length: argc }, (_, i) => i + 1);
  if (NO_KEYS.includes(c)) return [];
  return undefined;
}

type Node = luaparse.Node;
type FunctionNode = luaparse.FunctionDeclaration;

interface Finding {
  line: number;
  problem: string;
}

function children(node: Node): Node[] {
  return Object.values(node as unknown as Record<string, unknown>).flatMap((value) =>
    (Array.isArray(value) ? value : [value]).filter(
      (v): v is Node => typeof v === 'object' && v !== null && typeof (v as Node).type === 'string',
    ),
  );
}

/** Every node with the innermost function around it. */
function walk(
  node: Node,
  visit: (node: Node, fn: FunctionNode | undefined) => void,
  fn?: FunctionNode,
): void {
  visit(node, fn);
  const inner = node.type === 'FunctionDeclaration' ? node : fn;
  for (const child of children(node)) walk(child, visit, inner);
}

function literal(node: Node): string | undefined {
  return node.type === 'StringLiteral' ? node.raw.slice(1, -1) : undefined;
}

function isRedisCall(node: Node): node is luaparse.CallExpression {
  return (
    node.type === 'CallExpression' &&
    node.base.type === 'MemberExpression' &&
    node.base.base.type === 'Identifier' &&
    node.base.base.name === 'redis' &&
    ['call', 'pcall'].includes(node.base.identifier.name)
  );
}

/** Checks one script (with the library it is loaded with prepended); returns what builds or borrows a key. */
export function keyFindings(source: string): Finding[] {
  const chunk = luaparse.parse(source, { locations: true, luaVersion: '5.1' });
  const calls: { fn: FunctionNode | undefined; call: luaparse.CallExpression }[] = [];
  walk(chunk, (node, fn) => {
    if (node.type === 'CallExpression') calls.push({ fn, call: node });
  });

  /** A key expression is KEYS[n], or a parameter that every caller of its function passes a key to. */
  const isKey = (expr: Node, fn: FunctionNode | undefined, seen: Set<string>): boolean => {
    if (expr.type === 'IndexExpression') {
      return (
        expr.base.type === 'Identifier' && expr.base.name === 'KEYS' && expr.index.type === 'NumericLiteral'
      );
    }
    if (expr.type !== 'Identifier' || !fn || fn.identifier?.type !== 'Identifier') return false;
    const name = fn.identifier.name;
    const position = fn.parameters.findIndex((p) => p.type === 'Identifier' && p.name === expr.name);
    if (position < 0 || seen.has(`${name}:${position}`)) return false;
    const callers = calls.filter(({ call }) => call.base.type === 'Identifier' && call.base.name === name);
    // A function no one calls never runs (a script that does not use lib.lua's `finish`).
    return callers.every(
      ({ call, fn: outer }) =>
        call.arguments[position] !== undefined &&
        isKey(call.arguments[position], outer, new Set([...seen, `${name}:${position}`])),
    );
  };

  const findings: Finding[] = [];
  for (const { fn, call } of calls) {
    if (!isRedisCall(call)) continue;
    const line = call.loc?.start.line ?? 0;
    const [name, ...args] = call.arguments;
    const command = name && literal(name);
    if (!command) {
      findings.push({ line, problem: 'the command name is not a string literal' });
      continue;
    }
    const positions = keyPositions(command, args.length);
    if (!positions) {
      findings.push({ line, problem: `${command}: unknown command, add its key positions to this test` });
      continue;
    }
    for (const p of positions) {
      const arg = args[p - 1];
      if (arg && !isKey(arg, fn, new Set())) {
        const built = arg.type === 'BinaryExpression' && arg.operator === '..' ? 'a concatenation' : arg.type;
        findings.push({ line, problem: `${command}: key argument ${p} is ${built}, not KEYS[n]` });
      }
    }
  }
  return findings;
}

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return luaFiles(path);
    return entry.name.endsWith('.lua') ? [path] : [];
  });
}

const SRC = join(__dirname, '..');

/** A script as it is loaded: a folder's lib.lua is prepended to each of its other scripts (LuaScripts). */
function asLoaded(file: string): string {
  const lib = join(dirname(file), 'lib.lua');
  const script = readFileSync(file, 'utf8');
  return basename(file) !== 'lib.lua' && existsSync(lib) ? readFileSync(lib, 'utf8') + script : script;
}

describe('Lua scripts: every key in KEYS', () => {
  const files = luaFiles(SRC);

  it('finds the scripts of every store', () => {
    const folders = new Set(files.map((f) => relative(SRC, dirname(f))));
    expect([...folders].sort()).toEqual(['issuance/lua', 'outbox/lua', 'rate-limiting/lua', 'twilio/lua']);
  });

  it.each(files.filter((f) => basename(f) !== 'lib.lua').map((f) => [relative(SRC, f), f]))(
    '%s builds no key',
    (_name, file) => {
      expect(keyFindings(asLoaded(file))).toEqual([]);
    },
  );

  it('flags a key built by concatenation, a literal key, a computed KEYS index and a borrowed variable', () => {
    const script = [
      'local base = string.sub(KEYS[1], 1, -4)',
      "redis.call('HGET', base .. 'j:' .. ARGV[1], 'type')",
      "redis.call('GET', 'counter')",
      "redis.call('DEL', KEYS[1], KEYS[tonumber(ARGV[2])])",
      'local k = KEYS[1]',
      "redis.call('SET', k, '1')",
    ].join('\n');
    expect(keyFindings(script)).toEqual([
      { line: 2, problem: 'HGET: key argument 1 is a concatenation, not KEYS[n]' },
      { line: 3, problem: 'GET: key argument 1 is StringLiteral, not KEYS[n]' },
      { line: 4, problem: 'DEL: key argument 2 is IndexExpression, not KEYS[n]' },
      { line: 6, problem: 'SET: key argument 1 is Identifier, not KEYS[n]' },
    ]);
  });

  it('accepts a function parameter only when every caller passes KEYS[n], and flags an unknown command', () => {
    const lib = "local function finish(record, id)\n  redis.call('HSET', record, 'status', id)\nend\n";
    expect(keyFindings(`${lib}finish(KEYS[1], ARGV[1])\nfinish(KEYS[2], ARGV[1])`)).toEqual([]);
    expect(keyFindings(`${lib}finish(KEYS[1], ARGV[1])\nfinish('v:' .. ARGV[1], ARGV[1])`)).toEqual([
      { line: 2, problem: 'HSET: key argument 1 is Identifier, not KEYS[n]' },
    ]);
    expect(keyFindings("redis.call('XADD', KEYS[1], '*', 'f', 'v')")).toEqual([
      { line: 1, problem: 'XADD: unknown command, add its key positions to this test' },
    ]);
    expect(keyFindings("local c = 'GET'\nredis.call(c, KEYS[1])")).toEqual([
      { line: 2, problem: 'the command name is not a string literal' },
    ]);
  });
});
