import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { NotifyClient } from '@app/notify';
import { Settings } from '../config/settings';
import { Metrics } from '../metrics/metrics';
import { CodeSender } from './code-sender';
import { DestinationPolicy } from './destination-policy';
import { NotifyCatalog } from './notify-catalog';
import { NotifyCodeSender } from './notify-code-sender';
import { NotifyEndpoint } from './notify-endpoint';

@Injectable()
class DispatchLifecycle implements OnApplicationShutdown {
  constructor(private readonly notify: NotifyClient) {}

  onApplicationShutdown(): void {
    this.notify.close();
  }
}

@Module({
  providers: [
    {
      provide: NotifyClient,
      inject: [Settings, NotifyEndpoint, { token: Metrics, optional: true }],
      useFactory: (settings: Settings, endpoint: NotifyEndpoint, metrics?: Metrics) =>
        new NotifyClient({
          region: settings.notify.region,
          endpoint: endpoint.url,
          credentials: endpoint.credentials,
          requestTimeoutMs: settings.notify.timeoutMs,
          maxAttempts: settings.notify.maxAttempts,
          observer: metrics ? (event) => metrics.notifyCall(event) : undefined,
        }),
    },
    {
      provide: NotifyCatalog,
      inject: [NotifyClient, NotifyEndpoint],
      useFactory: (notify: NotifyClient, endpoint: NotifyEndpoint) =>
        new NotifyCatalog(notify, endpoint.configurationId),
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
  exports: [NotifyClient, NotifyCatalog, DestinationPolicy, CodeSender],
})
export class DispatchModule {}
