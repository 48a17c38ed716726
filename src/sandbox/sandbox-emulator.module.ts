import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_CONFIGURATION_ID, NotifyEmulator } from '@app/notify-emulator';
import { Settings } from '../config/settings';
import { HttpsSnsFetcher, SnsFetcher } from '../delivery-events/sns-verifier';
import { NotifyEndpoint } from '../dispatch/notify-endpoint';

/** The in-process Notify emulator of sandbox mode, or null when talking to AWS. */
export const SANDBOX_EMULATOR = Symbol('SANDBOX_EMULATOR');

/**
 * In sandbox mode the in-process emulator plays SNS: its certificate and SubscribeURLs are answered by the emulator
 * (the verifier's SNS host check still runs first); any other URL goes out over HTTPS as in production.
 */
class SandboxSnsFetcher extends SnsFetcher {
  private readonly https = new HttpsSnsFetcher();

  constructor(private readonly emulator: NotifyEmulator) {
    super();
  }

  get(url: string): Promise<string> {
    return this.emulator.sns.fetch(url).catch(() => this.https.get(url));
  }
}

@Injectable()
class EmulatorLifecycle implements OnApplicationShutdown {
  constructor(@Inject(SANDBOX_EMULATOR) private readonly emulator: NotifyEmulator | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.emulator?.close();
  }
}

/**
 * Decides the mode: without NOTIFY_CONFIGURATION_ID the service runs the Notify emulator in process and points the
 * Notify client and the SNS fetcher at it. Global, so dispatch and delivery events get their endpoint and fetcher
 * without knowing about the emulator; the only module that imports the emulator is this folder.
 */
@Global()
@Module({
  providers: [
    {
      provide: SANDBOX_EMULATOR,
      inject: [Settings],
      useFactory: async (settings: Settings): Promise<NotifyEmulator | null> => {
        if (settings.notify.mode !== 'sandbox') return null;
        const emulator = new NotifyEmulator();
        const endpoint = await emulator.listen(settings.notify.emulatorPort, '127.0.0.1');
        // The startup line tells the mode and the keys; this is the emulator's address, for debugging.
        new Logger('Sandbox').debug(`In-process Notify emulator at ${endpoint}`);
        return emulator;
      },
    },
    {
      provide: NotifyEndpoint,
      inject: [Settings, SANDBOX_EMULATOR],
      useFactory: (settings: Settings, emulator: NotifyEmulator | null): NotifyEndpoint =>
        emulator
          ? {
              url: emulator.endpoint,
              credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
              configurationId: settings.notify.configurationId ?? DEFAULT_CONFIGURATION_ID,
            }
          : { url: settings.notify.endpoint, configurationId: settings.notify.configurationId ?? '' },
    },
    {
      provide: SnsFetcher,
      inject: [SANDBOX_EMULATOR],
      useFactory: (emulator: NotifyEmulator | null) =>
        emulator ? new SandboxSnsFetcher(emulator) : new HttpsSnsFetcher(),
    },
    EmulatorLifecycle,
  ],
  exports: [SANDBOX_EMULATOR, NotifyEndpoint, SnsFetcher],
})
export class SandboxEmulatorModule {}
