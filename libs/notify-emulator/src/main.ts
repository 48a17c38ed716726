/**
 * Standalone Notify emulator for local development (`npm run emulator`). It reads its settings straight from the
 * environment because it is a dev tool outside the service and its validated config.
 *
 * Delivery events go out only as EventBridge API-destination calls: the service accepts SNS messages only under
 * certificates from real SNS hosts (outside sandbox mode), which a standalone emulator cannot sign for.
 */
import { DEFAULT_EMULATOR_HOST, DEFAULT_EMULATOR_PORT } from './defaults';
import { httpEventDestination } from './delivery-events';
import { NotifyEmulator } from './notify-emulator';

async function main(): Promise<void> {
  const port = parsePort(process.env.NOTIFY_EMULATOR_PORT);
  const host = process.env.NOTIFY_EMULATOR_HOST || DEFAULT_EMULATOR_HOST;
  const eventBridgeUrl = parseEventBridgeUrl(process.env.NOTIFY_EMULATOR_EVENTBRIDGE_URL);
  const eventBridgeSecret = parseSecret(process.env.NOTIFY_EMULATOR_EVENTBRIDGE_SECRET);
  const emulator = new NotifyEmulator({
    eventBridgeSecret,
    eventDestination: eventBridgeUrl ? httpEventDestination({ eventbridge: eventBridgeUrl }) : undefined,
  });
  const endpoint = await emulator.listen(port, host);
  const events = eventBridgeUrl
    ? `delivery events (POST /_emulator/messages/{messageId}/events) go to ${eventBridgeUrl} ` +
      (eventBridgeSecret ? 'with X-Notify-Events-Secret' : 'without a secret header')
    : 'delivery events go nowhere (set NOTIFY_EMULATOR_EVENTBRIDGE_URL)';
  process.stdout.write(
    `Notify emulator listening on ${endpoint} (admin API under ${endpoint}/_emulator/); ${events}\n`,
  );

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

function parseEventBridgeUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(
      'NOTIFY_EMULATOR_EVENTBRIDGE_URL must be an http(s) URL such as ' +
        `http://127.0.0.1:3000/v1/notify-events/eventbridge, got '${raw}'`,
    );
  }
  return url.href;
}

/** Sent as a header, so it must be one; the service itself wants 32 to 256 of these characters. */
function parseSecret(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[\x21-\x7e]+$/.test(raw)) {
    throw new Error('NOTIFY_EMULATOR_EVENTBRIDGE_SECRET must be printable ASCII characters without spaces');
  }
  return raw;
}

main().catch((error: unknown) => {
  console.error('Notify emulator failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
