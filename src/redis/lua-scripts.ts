import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { forEmbeddedRedis, isEmbeddedRedis } from './embedded-redis';
import { outcomeCall, storeCall } from './store-errors';

type ScriptCommand = (...args: (string | number)[]) => Promise<unknown>;

/**
 * The Lua scripts of one folder, registered once per connection with ioredis `defineCommand`, which sends EVALSHA and
 * falls back to EVAL on NOSCRIPT (after a SCRIPT FLUSH or a failover). `scripts` names each file and its key count;
 * `library` names a file of the folder whose functions every script of it may call (prepended when loaded).
 */
export class LuaScripts<Name extends string> {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
    folder: string,
    scripts: Record<Name, number>,
    options: { library?: string } = {},
  ) {
    const library = options.library ? readFileSync(join(folder, `${options.library}.lua`), 'utf8') : '';
    const embedded = isEmbeddedRedis(redis);
    for (const [name, numberOfKeys] of Object.entries<number>(scripts)) {
      if (this.command(name)) continue; // another store on this connection defined it already
      const lua = library + readFileSync(join(folder, `${name}.lua`), 'utf8');
      redis.defineCommand(this.commandName(name), {
        numberOfKeys,
        lua: embedded ? forEmbeddedRedis(lua) : lua,
      });
    }
  }

  /** `outcome`: what the caller's answer reports ("the approval"); a timeout then rejects as OutcomeUnknown. */
  run<T>(name: Name, keys: (string | number)[], args: (string | number)[], outcome?: string): Promise<T> {
    const command = this.command(name);
    if (!command) throw new Error(`Lua script ${name} is not defined`);
    const call = command.call(this.redis, ...keys, ...args) as Promise<T>;
    return outcome === undefined ? storeCall(call) : outcomeCall(call, outcome);
  }

  private commandName(name: string): string {
    return `${this.namespace}:${name}`;
  }

  private command(name: string): ScriptCommand | undefined {
    const candidate = (this.redis as unknown as Record<string, unknown>)[this.commandName(name)];
    return typeof candidate === 'function' ? (candidate as ScriptCommand) : undefined;
  }
}
