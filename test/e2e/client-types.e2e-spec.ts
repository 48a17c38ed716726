import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

describe('libs/client generated types', () => {
  // The CLI, not an import: openapi-typescript loads ES modules that Jest's CommonJS runtime cannot require.
  it('match the OpenAPI document GET /docs-json serves (npm run client:check)', async () => {
    const { stdout } = await run(
      'node',
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'scripts/client-types.ts',
        '--check',
      ],
      { cwd: ROOT, timeout: 60_000 },
    );
    expect(stdout).toContain('Client types match GET /docs-json.');
  });
});
