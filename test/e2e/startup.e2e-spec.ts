import { Writable } from 'node:stream';
import { createApp } from '../../src/app.factory';

/** Boots the app as main.ts does (Nest prints its buffered start-up lines once the server listens) and its log. */
async function bootLog(logLevel: string): Promise<string[]> {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const app = await createApp({ NODE_ENV: 'test', LOG_LEVEL: logLevel, REDIS_URL: '' }, { logStream });
  await app.listen(0, '127.0.0.1');
  await app.close();
  return lines;
}

describe("startup: Nest's module and route lines only at debug", () => {
  const routeLines = (logs: string[]) =>
    logs.filter((line) => line.includes('Mapped {/v1/verifications, POST} route'));
  const moduleLines = (logs: string[]) => logs.filter((line) => line.includes('dependencies initialized'));

  it('at debug they are there, at level 20', async () => {
    const logs = await bootLog('debug');
    expect(routeLines(logs).map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ level: 20, context: 'RouterExplorer' }),
    ]);
    expect(moduleLines(logs).length).toBeGreaterThan(0);
  });

  it('at info the log holds none of them', async () => {
    const logs = await bootLog('info');
    expect(routeLines(logs)).toEqual([]);
    expect(moduleLines(logs)).toEqual([]);
  });
});
