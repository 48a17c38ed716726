import {
  DescribeNotifyConfigurationsCommand,
  type DescribeNotifyConfigurationsCommandOutput,
  DescribeNotifyTemplatesCommand,
  type DescribeNotifyTemplatesCommandOutput,
  PinpointSMSVoiceV2Client,
  PutMessageFeedbackCommand,
  type PutMessageFeedbackCommandOutput,
  SendNotifyTextMessageCommand,
  type SendNotifyTextMessageCommandOutput,
  SendNotifyVoiceMessageCommand,
  type SendNotifyVoiceMessageCommandOutput,
  type VoiceId,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { NotifyError, redactNotifyError, toNotifyError } from './notify-error';
import { toNotifyConfiguration, toNotifyTemplate } from './notify.mappers';
import type {
  NotifyCallEvent,
  NotifyClientOptions,
  NotifyConfiguration,
  NotifyTemplate,
  SendCodeInput,
  SendResult,
  SendVoiceInput,
} from './notify.types';
import { SendSafeRetryStrategy } from './send-safe-retry';
import { TtlCache } from './ttl-cache';

export const NOTIFY_DEFAULTS = {
  requestTimeoutMs: 5000,
  maxAttempts: 3,
  templateCacheTtlMs: 10 * 60 * 1000,
} as const;

export type NotifyCommand =
  | SendNotifyTextMessageCommand
  | SendNotifyVoiceMessageCommand
  | PutMessageFeedbackCommand
  | DescribeNotifyTemplatesCommand
  | DescribeNotifyConfigurationsCommand;

/** The slice of the SDK client that NotifyClient uses, so unit tests can stand in for AWS. */
export interface NotifySdkClient {
  send(command: NotifyCommand): Promise<unknown>;
  destroy(): void;
}

export function createNotifySdkClient(options: NotifyClientOptions): PinpointSMSVoiceV2Client {
  const timeoutMs = options.requestTimeoutMs ?? NOTIFY_DEFAULTS.requestTimeoutMs;
  return new PinpointSMSVoiceV2Client({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    // Retries only what proves nothing was sent (throttling, a failed connect): a send must not deliver twice.
    retryStrategy: new SendSafeRetryStrategy(options.maxAttempts ?? NOTIFY_DEFAULTS.maxAttempts),
    requestHandler: {
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      // Without it the handler only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  });
}

type Page<T> = { items: T[] | undefined; nextToken: string | undefined };

/** A typed client for the Notify operations of AWS End User Messaging. Every method rejects only with NotifyError. */
export class NotifyClient {
  private readonly sdk: NotifySdkClient;
  private readonly templates: TtlCache<NotifyTemplate>;
  private readonly observer?: (event: NotifyCallEvent) => void;

  constructor(options: NotifyClientOptions, sdk?: NotifySdkClient) {
    this.sdk = sdk ?? createNotifySdkClient(options);
    this.observer = options.observer;
    this.templates = new TtlCache(
      options.templateCacheTtlMs ?? NOTIFY_DEFAULTS.templateCacheTtlMs,
      options.now ?? Date.now,
    );
  }

  sendText(input: SendCodeInput): Promise<SendResult> {
    const operation = 'SendNotifyTextMessage';
    return this.observed(operation, async () => {
      try {
        const output = await this.call<SendNotifyTextMessageCommandOutput>(
          new SendNotifyTextMessageCommand(this.sendRequest(input)),
        );
        return toSendResult(output, input);
      } catch (error) {
        throw redactSendError(operation, error, input);
      }
    });
  }

  sendVoice(input: SendVoiceInput): Promise<SendResult> {
    const operation = 'SendNotifyVoiceMessage';
    return this.observed(operation, async () => {
      try {
        const output = await this.call<SendNotifyVoiceMessageCommandOutput>(
          new SendNotifyVoiceMessageCommand({
            ...this.sendRequest(input),
            // Not narrowed to the SDK's enum on purpose: AWS adds voices, and it rejects unknown ones itself.
            VoiceId: input.voiceId as VoiceId | undefined,
          }),
        );
        return toSendResult(output, input);
      } catch (error) {
        throw redactSendError(operation, error, input);
      }
    });
  }

  putFeedback(messageId: string, status: 'RECEIVED' | 'FAILED'): Promise<void> {
    const operation = 'PutMessageFeedback';
    return this.observed(operation, async () => {
      try {
        await this.call<PutMessageFeedbackCommandOutput>(
          new PutMessageFeedbackCommand({ MessageId: messageId, MessageFeedbackStatus: status }),
        );
      } catch (error) {
        throw toNotifyError(operation, error);
      }
    });
  }

  /** All templates, or the given ones; an empty list asks for none and so makes no call. */
  async describeTemplates(templateIds?: string[]): Promise<NotifyTemplate[]> {
    if (templateIds?.length === 0) return [];
    const operation = 'DescribeNotifyTemplates';
    return this.observed(operation, async () => {
      try {
        const infos = await this.paginate(async (nextToken) => {
          const output = await this.call<DescribeNotifyTemplatesCommandOutput>(
            new DescribeNotifyTemplatesCommand({ TemplateIds: templateIds, NextToken: nextToken }),
          );
          return { items: output.NotifyTemplates, nextToken: output.NextToken };
        });
        return infos.map(toNotifyTemplate);
      } catch (error) {
        throw toNotifyError(operation, error);
      }
    });
  }

  getTemplate(templateId: string): Promise<NotifyTemplate> {
    return this.templates.get(templateId, async () => {
      const template = (await this.describeTemplates([templateId])).find((found) => found.id === templateId);
      if (!template) {
        throw notFound('DescribeNotifyTemplates', 'notify-template', templateId, 'template');
      }
      return template;
    });
  }

  describeConfiguration(configurationId: string): Promise<NotifyConfiguration> {
    const operation = 'DescribeNotifyConfigurations';
    return this.observed(operation, () => this.fetchConfiguration(operation, configurationId));
  }

  private async fetchConfiguration(operation: string, configurationId: string): Promise<NotifyConfiguration> {
    try {
      const infos = await this.paginate(async (nextToken) => {
        const output = await this.call<DescribeNotifyConfigurationsCommandOutput>(
          new DescribeNotifyConfigurationsCommand({
            NotifyConfigurationIds: [configurationId],
            NextToken: nextToken,
          }),
        );
        return { items: output.NotifyConfigurations, nextToken: output.NextToken };
      });
      // The id parameter of every Notify operation also accepts the ARN.
      const info = infos.find(
        (found) =>
          found.NotifyConfigurationId === configurationId || found.NotifyConfigurationArn === configurationId,
      );
      if (!info) throw notFound(operation, 'notify-configuration', configurationId, 'configuration');
      return toNotifyConfiguration(info);
    } catch (error) {
      throw toNotifyError(operation, error);
    }
  }

  close(): void {
    this.templates.clear();
    this.sdk.destroy();
  }

  private sendRequest(input: SendCodeInput) {
    return {
      NotifyConfigurationId: input.configurationId,
      DestinationPhoneNumber: input.to,
      TemplateId: input.templateId,
      TemplateVariables: input.variables,
      TimeToLive: input.timeToLiveSeconds,
      Context: input.context,
      ConfigurationSetName: input.configurationSetName,
      DryRun: input.dryRun,
      MessageFeedbackEnabled: input.feedbackEnabled,
    };
  }

  /** Times one call for the observer; `run` rejects only with NotifyError. */
  private async observed<T>(operation: string, run: () => Promise<T>): Promise<T> {
    if (!this.observer) return run();
    const started = performance.now();
    let outcome: NotifyCallEvent['outcome'] = 'ok';
    try {
      return await run();
    } catch (error) {
      outcome = error instanceof NotifyError ? error.kind : 'unknown';
      throw error;
    } finally {
      try {
        this.observer({ operation, outcome, durationMs: performance.now() - started });
      } catch {
        // Metrics must never change what a call returns.
      }
    }
  }

  private async call<Output>(command: NotifyCommand): Promise<Output> {
    // The SDK types each command's output; the port erases it so that a fake needs no SDK generics.
    return (await this.sdk.send(command)) as Output;
  }

  private async paginate<T>(fetchPage: (nextToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
    const all: T[] = [];
    let nextToken: string | undefined;
    for (;;) {
      const page = await fetchPage(nextToken);
      all.push(...(page.items ?? []));
      // A token that does not advance would loop forever against a faulty endpoint.
      if (!page.nextToken || page.nextToken === nextToken) return all;
      nextToken = page.nextToken;
    }
  }
}

function toSendResult(
  output: SendNotifyTextMessageCommandOutput | SendNotifyVoiceMessageCommandOutput,
  input: SendCodeInput,
): SendResult {
  return {
    messageId: output.MessageId ?? '',
    templateId: output.TemplateId ?? input.templateId ?? '',
    resolvedBody: output.ResolvedMessageBody,
  };
}

function redactSendError(operation: string, error: unknown, input: SendCodeInput): NotifyError {
  return redactNotifyError(toNotifyError(operation, error), [...Object.values(input.variables), input.to]);
}

function notFound(operation: string, resourceType: string, resourceId: string, label: string): NotifyError {
  return new NotifyError({
    kind: 'not_found',
    operation,
    message: `${operation}: ${label} ${resourceId} not found`,
    resourceType,
    resourceId,
  });
}
