import { Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { NotifyClient } from '@app/notify';
import { DEFAULT_CONFIGURATION_ID, NotifyEmulator } from '@app/notify-emulator';
import { Settings } from '../config/settings';
import { Metrics } from '../metrics/metrics';
import { CodeSender } from './code-sender';
import { DestinationPolicy } from './destination-policy';
import { NotifyCatalog } from './notify-catalog';
import { NotifyCodeSender } from './notify-code-sender';

/** The in-process Notify emulator of sandbox mode, or null when talking to AWS. */
export const SANDBOX_EMULATOR = Symbol('SANDBOX_EMULATOR');

@Injectable()
class DispatchLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly notify: NotifyClient,
    @Inject(SANDBOX_EMULATOR) private readonly emulator: NotifyEmulator | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.notify.close();
    await this.emulator?.close();
  }
}

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
      provide: NotifyClient,
      inject: [Settings, SANDBOX_EMULATOR, { token: Metrics, optional: true }],
      useFactory: (settings: Settings, emulator: NotifyEmulator | null, metrics?: Metrics) =>
        new NotifyClient({
          region: settings.notify.region,
          endpoint: emulator?.endpoint ?? settings.notify.endpoint,
          // The emulator ignores signatures; real AWS gets the default credential chain.
          credentials: emulator ? { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } : undefined,
          requestTimeoutMs: settings.notify.timeoutMs,
          maxAttempts: settings.notify.maxAttempts,
          observer: metrics ? (event) => metrics.notifyCall(event) : undefined,
        }),
    },
    {
      provide: NotifyCatalog,
      inject: [NotifyClient, Settings],
      useFactory: (notify: NotifyClient, settings: Settings) =>
        new NotifyCatalog(notify, settings.notify.configurationId ?? DEFAULT_CONFIGURATION_ID),
    },
    {
      provide: DestinationPolicy,
      inject: [NotifyCatalog, Settings],
      useFactory: (catalog: NotifyCatalog, settings: Settings) =>
        new DestinationPolicy(catalog, settings.notify.allowedCountries, settings.notify.blockedCountries),
    },
    {
      provide: CodeSender,
      inject: [NotifyClient, NotifyCatalog, Settings],
      useFactory: (notify: NotifyClient, catalog: NotifyCatalog, settings: Settings) =>
        new NotifyCodeSender(notify, catalog, {
          configurationSetName: settings.notify.configurationSetName,
          defaultVoiceId: settings.notify.voiceId,
        }),
    },
    DispatchLifecycle,
  ],
  exports: [NotifyClient, NotifyCatalog, DestinationPolicy, CodeSender, SANDBOX_EMULATOR],
})
export class DispatchModule {}
