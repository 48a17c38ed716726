/**
 * Standalone Notify emulator for local development (`npm run emulator`). It reads its two settings straight
 * from the environment because it is a dev tool outside the service and its validated config.
 */
import { DEFAULT_EMULATOR_HOST, DEFAULT_EMULATOR_PORT } from './defaults';
import { NotifyEmulator } from './notify-emulator';

async function main(): Promise<void> {
  const port = parsePort(process.env.NOTIFY_EMULATOR_PORT);
  const host = process.env.NOTIFY_EMULATOR_HOST || DEFAULT_EMULATOR_HOST;
  const emulator = new NotifyEmulator();
  const endpoint = await emulator.listen(port, host);
  process.stdout.write(`Notify emulator listening on ${endpoint} (admin API under ${endpoint}/_emulator/)\n`);

  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Notify emulator did not close cleanly', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_EMULATOR_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`NOTIFY_EMULATOR_PORT must be a port number (0-65535), got '${raw}'`);
  }
  return port;
}

main().catch((error: unknown) => {
  console.error('Notify emulator failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
