import {
  DescribeNotifyConfigurationsCommand,
  DescribeNotifyTemplatesCommand,
  type NotifyTemplateInformation,
  PutMessageFeedbackCommand,
  ResourceNotFoundException,
  SendNotifyTextMessageCommand,
  SendNotifyVoiceMessageCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { NotifyClient, type NotifyCommand, type NotifySdkClient } from './notify-client';
import type { NotifyCallEvent } from './notify.types';
import { NotifyError } from './notify-error';

/** Records every command and answers with whatever the test queued, in order. */
class FakeSdk implements NotifySdkClient {
  readonly commands: NotifyCommand[] = [];
  destroyed = false;
  private readonly replies: Array<(command: NotifyCommand) => unknown> = [];

  reply(...answers: Array<(command: NotifyCommand) => unknown>): this {
    this.replies.push(...answers);
    return this;
  }

  async send(command: NotifyCommand): Promise<unknown> {
    this.commands.push(command);
    const answer = this.replies.shift();
    if (!answer) throw new Error(`unexpected ${command.constructor.name}`);
    return answer(command);
  }

  destroy(): void {
    this.destroyed = true;
  }
}

function templateInfo(id: string, content = 'Your code is {{code}}'): NotifyTemplateInformation {
  return {
    TemplateId: id,
    Version: 1,
    TemplateType: 'OTP_VERIFICATION',
    Channels: ['SMS'],
    Status: 'ACTIVE',
    Content: content,
    Variables: { code: { Type: 'STRING', Required: true, Source: 'CUSTOMER' } },
    CreatedTimestamp: new Date(0),
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

async function rejectionOf(promise: Promise<unknown>): Promise<NotifyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(NotifyError);
    return error as NotifyError;
  }
  throw new Error('expected a rejection');
}

const OPTIONS = { region: 'us-east-1' };
const TEMPLATE_ID = 'notify-code-verification-english-001';

describe(NotifyClient.name, () => {
  describe('sendText', () => {
    it('sends every given option and returns the result', async () => {
      const sdk = new FakeSdk().reply(() => ({
        MessageId: 'msg-1',
        TemplateId: TEMPLATE_ID,
        ResolvedMessageBody: 'Your code is 482913',
        $metadata: {},
      }));
      const client = new NotifyClient(OPTIONS, sdk);

      const result = await client.sendText({
        configurationId: 'nc-1',
        to: '+12065550100',
        templateId: TEMPLATE_ID,
        variables: { code: '482913' },
        timeToLiveSeconds: 300,
        context: { verificationId: 'v-1' },
        configurationSetName: 'events',
        dryRun: true,
        feedbackEnabled: true,
      });

      expect(result).toEqual({
        messageId: 'msg-1',
        templateId: TEMPLATE_ID,
        resolvedBody: 'Your code is 482913',
      });
      expect(sdk.commands).toHaveLength(1);
      const [command] = sdk.commands;
      expect(command).toBeInstanceOf(SendNotifyTextMessageCommand);
      expect(command.input).toEqual({
        NotifyConfigurationId: 'nc-1',
        DestinationPhoneNumber: '+12065550100',
        TemplateId: TEMPLATE_ID,
        TemplateVariables: { code: '482913' },
        TimeToLive: 300,
        Context: { verificationId: 'v-1' },
        ConfigurationSetName: 'events',
        DryRun: true,
        MessageFeedbackEnabled: true,
      });
    });

    it('leaves options out when not given, so AWS applies its defaults', async () => {
      const sdk = new FakeSdk().reply(() => ({ MessageId: 'msg-2', TemplateId: TEMPLATE_ID }));
      const client = new NotifyClient(OPTIONS, sdk);

      await client.sendText({ configurationId: 'nc-1', to: '+12065550100', variables: { code: '1234' } });

      const given = Object.entries(sdk.commands[0].input)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key);
      expect(given.sort()).toEqual(['DestinationPhoneNumber', 'NotifyConfigurationId', 'TemplateVariables']);
    });

    it('falls back to the requested template id and an empty message id when AWS returns none', async () => {
      const sdk = new FakeSdk().reply(() => ({}));
      const client = new NotifyClient(OPTIONS, sdk);

      const result = await client.sendText({
        configurationId: 'nc-1',
        to: '+12065550100',
        templateId: TEMPLATE_ID,
        variables: { code: '1234' },
        dryRun: true,
      });

      expect(result).toEqual({ messageId: '', templateId: TEMPLATE_ID, resolvedBody: undefined });
    });

    it('maps an AWS error and keeps the code and the destination out of it', async () => {
      const sdk = new FakeSdk().reply(() => {
        throw new ValidationException({
          $metadata: { requestId: 'req-7' },
          message: 'Value 482913 for variable code on +12065550100 is invalid',
          Reason: 'INVALID_PARAMETER',
          Fields: [{ Name: 'TemplateVariables.code', Message: '482913 does not match ^[a-z]+$' }],
        });
      });
      const client = new NotifyClient(OPTIONS, sdk);

      const error = await rejectionOf(
        client.sendText({ configurationId: 'nc-1', to: '+12065550100', variables: { code: '482913' } }),
      );

      expect(error).toMatchObject({
        kind: 'validation',
        operation: 'SendNotifyTextMessage',
        reason: 'INVALID_PARAMETER',
        requestId: 'req-7',
      });
      const everything = JSON.stringify({ message: error.message, fields: error.fields });
      expect(everything).not.toContain('482913');
      expect(everything).not.toContain('+12065550100');
      expect(error.message).toBe(
        'SendNotifyTextMessage: Value [redacted] for variable code on [redacted] is invalid',
      );
    });

    it('wraps a non-SDK failure in a NotifyError', async () => {
      const sdk = new FakeSdk().reply(() => {
        throw new TypeError('boom');
      });
      const client = new NotifyClient(OPTIONS, sdk);

      const error = await rejectionOf(
        client.sendText({ configurationId: 'nc-1', to: '+12065550100', variables: { code: '1234' } }),
      );

      expect(error).toMatchObject({ kind: 'unknown', operation: 'SendNotifyTextMessage' });
    });
  });

  describe('sendVoice', () => {
    it('sends the voice and the shared options', async () => {
      const sdk = new FakeSdk().reply(() => ({ MessageId: 'msg-v', TemplateId: TEMPLATE_ID }));
      const client = new NotifyClient(OPTIONS, sdk);

      const result = await client.sendVoice({
        configurationId: 'nc-1',
        to: '+12065550100',
        variables: { code: '4. 8. 2. 9. 1. 3.' },
        voiceId: 'JOANNA',
        feedbackEnabled: true,
      });

      expect(result).toEqual({ messageId: 'msg-v', templateId: TEMPLATE_ID, resolvedBody: undefined });
      const [command] = sdk.commands;
      expect(command).toBeInstanceOf(SendNotifyVoiceMessageCommand);
      expect(command.input).toMatchObject({
        NotifyConfigurationId: 'nc-1',
        DestinationPhoneNumber: '+12065550100',
        TemplateVariables: { code: '4. 8. 2. 9. 1. 3.' },
        VoiceId: 'JOANNA',
        MessageFeedbackEnabled: true,
      });
    });

    it('reports throttling as a retryable error of the voice operation', async () => {
      const sdk = new FakeSdk().reply(() => {
        throw new ThrottlingException({ $metadata: { attempts: 3 }, message: 'Rate exceeded' });
      });
      const client = new NotifyClient(OPTIONS, sdk);

      const error = await rejectionOf(
        client.sendVoice({ configurationId: 'nc-1', to: '+12065550100', variables: { code: '1234' } }),
      );

      expect(error).toMatchObject({
        kind: 'throttled',
        retryable: true,
        operation: 'SendNotifyVoiceMessage',
      });
    });
  });

  describe('putFeedback', () => {
    it('sends the message id and status', async () => {
      const sdk = new FakeSdk().reply(() => ({ MessageId: 'msg-1', MessageFeedbackStatus: 'RECEIVED' }));
      const client = new NotifyClient(OPTIONS, sdk);

      await client.putFeedback('msg-1', 'RECEIVED');

      expect(sdk.commands[0]).toBeInstanceOf(PutMessageFeedbackCommand);
      expect(sdk.commands[0].input).toEqual({ MessageId: 'msg-1', MessageFeedbackStatus: 'RECEIVED' });
    });

    it('maps a missing message to not_found', async () => {
      const sdk = new FakeSdk().reply(() => {
        throw new ResourceNotFoundException({
          $metadata: {},
          message: 'No such message',
          ResourceType: 'message',
        });
      });
      const client = new NotifyClient(OPTIONS, sdk);

      const error = await rejectionOf(client.putFeedback('msg-x', 'FAILED'));

      expect(error).toMatchObject({
        kind: 'not_found',
        operation: 'PutMessageFeedback',
        resourceType: 'message',
      });
    });
  });

  describe('describeTemplates', () => {
    it('follows NextToken until the last page', async () => {
      const sdk = new FakeSdk().reply(
        () => ({ NotifyTemplates: [templateInfo('t-1'), templateInfo('t-2')], NextToken: 'page-2' }),
        () => ({ NotifyTemplates: [templateInfo('t-3')], NextToken: 'page-3' }),
        () => ({ NotifyTemplates: [], NextToken: undefined }),
      );
      const client = new NotifyClient(OPTIONS, sdk);

      const templates = await client.describeTemplates();

      expect(templates.map((template) => template.id)).toEqual(['t-1', 't-2', 't-3']);
      expect(sdk.commands.map((command) => command.input)).toEqual([
        { TemplateIds: undefined, NextToken: undefined },
        { TemplateIds: undefined, NextToken: 'page-2' },
        { TemplateIds: undefined, NextToken: 'page-3' },
      ]);
      expect(sdk.commands.every((command) => command instanceof DescribeNotifyTemplatesCommand)).toBe(true);
    });

    it('stops when a page repeats the token it was asked with', async () => {
      const sdk = new FakeSdk().reply(
        () => ({ NotifyTemplates: [templateInfo('t-1')], NextToken: 'same' }),
        () => ({ NotifyTemplates: [templateInfo('t-2')], NextToken: 'same' }),
      );
      const client = new NotifyClient(OPTIONS, sdk);

      await expect(client.describeTemplates(['t-1', 't-2'])).resolves.toHaveLength(2);
      expect(sdk.commands).toHaveLength(2);
      expect(sdk.commands[0].input).toEqual({ TemplateIds: ['t-1', 't-2'], NextToken: undefined });
    });

    it('makes no call for an empty id list', async () => {
      const sdk = new FakeSdk();
      const client = new NotifyClient(OPTIONS, sdk);

      await expect(client.describeTemplates([])).resolves.toEqual([]);
      expect(sdk.commands).toHaveLength(0);
    });
  });

  describe('getTemplate', () => {
    it('shares one call between concurrent lookups and refreshes after the TTL', async () => {
      let now = 1_000_000;
      const first = deferred<unknown>();
      const sdk = new FakeSdk().reply(
        () => first.promise,
        () => ({ NotifyTemplates: [templateInfo(TEMPLATE_ID, 'v2: {{code}}')] }),
      );
      const client = new NotifyClient({ ...OPTIONS, templateCacheTtlMs: 60_000, now: () => now }, sdk);

      const lookups = [client.getTemplate(TEMPLATE_ID), client.getTemplate(TEMPLATE_ID)];
      first.resolve({ NotifyTemplates: [templateInfo(TEMPLATE_ID, 'v1: {{code}}')] });
      const [a, b] = await Promise.all(lookups);

      expect(sdk.commands).toHaveLength(1);
      expect(sdk.commands[0].input).toMatchObject({ TemplateIds: [TEMPLATE_ID] });
      expect(a.content).toBe('v1: {{code}}');
      expect(b).toBe(a);

      now += 59_999;
      expect((await client.getTemplate(TEMPLATE_ID)).content).toBe('v1: {{code}}');
      expect(sdk.commands).toHaveLength(1);

      now += 1;
      expect((await client.getTemplate(TEMPLATE_ID)).content).toBe('v2: {{code}}');
      expect(sdk.commands).toHaveLength(2);
    });

    it('starts the TTL when the answer arrives, not when the call began', async () => {
      let now = 0;
      const slow = deferred<unknown>();
      const sdk = new FakeSdk().reply(() => slow.promise);
      const client = new NotifyClient({ ...OPTIONS, templateCacheTtlMs: 1_000, now: () => now }, sdk);

      const lookup = client.getTemplate(TEMPLATE_ID);
      now = 5_000;
      slow.resolve({ NotifyTemplates: [templateInfo(TEMPLATE_ID)] });
      await lookup;
      now = 5_999;
      await client.getTemplate(TEMPLATE_ID);

      expect(sdk.commands).toHaveLength(1);
    });

    it('caches each template id separately', async () => {
      const sdk = new FakeSdk().reply(
        () => ({ NotifyTemplates: [templateInfo('t-1')] }),
        () => ({ NotifyTemplates: [templateInfo('t-2')] }),
      );
      const client = new NotifyClient(OPTIONS, sdk);

      const [one, two] = await Promise.all([client.getTemplate('t-1'), client.getTemplate('t-2')]);

      expect([one.id, two.id]).toEqual(['t-1', 't-2']);
      expect(sdk.commands).toHaveLength(2);
    });

    it('rejects with not_found when AWS returns no such template, and asks again next time', async () => {
      const sdk = new FakeSdk().reply(
        () => ({ NotifyTemplates: [] }),
        () => ({ NotifyTemplates: [templateInfo(TEMPLATE_ID)] }),
      );
      const client = new NotifyClient(OPTIONS, sdk);

      const error = await rejectionOf(client.getTemplate(TEMPLATE_ID));
      expect(error).toMatchObject({
        kind: 'not_found',
        retryable: false,
        operation: 'DescribeNotifyTemplates',
        resourceType: 'notify-template',
        resourceId: TEMPLATE_ID,
      });

      await expect(client.getTemplate(TEMPLATE_ID)).resolves.toMatchObject({ id: TEMPLATE_ID });
      expect(sdk.commands).toHaveLength(2);
    });

    it('maps ResourceNotFoundException from AWS to not_found', async () => {
      const sdk = new FakeSdk().reply(() => {
        throw new ResourceNotFoundException({
          $metadata: {},
          message: 'Template not found',
          ResourceType: 'notify-template',
          ResourceId: TEMPLATE_ID,
        });
      });
      const client = new NotifyClient(OPTIONS, sdk);

      const error = await rejectionOf(client.getTemplate(TEMPLATE_ID));

      expect(error).toMatchObject({ kind: 'not_found', resourceId: TEMPLATE_ID });
    });

    it('does not cache a failure', async () => {
      const sdk = new FakeSdk().reply(
        () => {
          throw new ThrottlingException({ $metadata: {}, message: 'Rate exceeded' });
        },
        () => ({ NotifyTemplates: [templateInfo(TEMPLATE_ID)] }),
      );
      const client = new NotifyClient(OPTIONS, sdk);

      expect((await rejectionOf(client.getTemplate(TEMPLATE_ID))).kind).toBe('throttled');
      await expect(client.getTemplate(TEMPLATE_ID)).resolves.toMatchObject({ id: TEMPLATE_ID });
    });
  });

  describe('describeConfiguration', () => {
    const configuration = {
      NotifyConfigurationId: 'nc-1',
      NotifyConfigurationArn: 'arn:aws:sms-voice:us-east-1:123456789012:notify-configuration/nc-1',
      DisplayName: 'Acme',
      Status: 'ACTIVE',
      Tier: 'BASIC',
      EnabledChannels: ['SMS'],
      EnabledCountries: ['US'],
      DefaultTemplateId: TEMPLATE_ID,
      UseCase: 'CODE_VERIFICATION',
    };

    it('asks for the one configuration and maps it', async () => {
      const sdk = new FakeSdk().reply(() => ({ NotifyConfigurations: [configuration] }));
      const client = new NotifyClient(OPTIONS, sdk);

      await expect(client.describeConfiguration('nc-1')).resolves.toEqual({
        id: 'nc-1',
        arn: configuration.NotifyConfigurationArn,
        displayName: 'Acme',
        status: 'ACTIVE',
        tier: 'BASIC',
        enabledChannels: ['SMS'],
        enabledCountries: ['US'],
        defaultTemplateId: TEMPLATE_ID,
        useCase: 'CODE_VERIFICATION',
      });
      expect(sdk.commands[0]).toBeInstanceOf(DescribeNotifyConfigurationsCommand);
      expect(sdk.commands[0].input).toMatchObject({ NotifyConfigurationIds: ['nc-1'] });
    });

    it('finds the configuration by its ARN', async () => {
      const sdk = new FakeSdk().reply(() => ({ NotifyConfigurations: [configuration] }));
      const client = new NotifyClient(OPTIONS, sdk);

      await expect(client.describeConfiguration(configuration.NotifyConfigurationArn)).resolves.toMatchObject(
        {
          id: 'nc-1',
        },
      );
    });

    it('rejects with not_found when AWS returns none', async () => {
      const sdk = new FakeSdk().reply(() => ({ NotifyConfigurations: [] }));
      const client = new NotifyClient(OPTIONS, sdk);

      const error = await rejectionOf(client.describeConfiguration('nc-404'));

      expect(error).toMatchObject({
        kind: 'not_found',
        operation: 'DescribeNotifyConfigurations',
        resourceType: 'notify-configuration',
        resourceId: 'nc-404',
      });
    });

    it('maps ResourceNotFoundException from AWS to not_found', async () => {
      const sdk = new FakeSdk().reply(() => {
        throw new ResourceNotFoundException({
          $metadata: {},
          message: 'nope',
          ResourceType: 'notify-configuration',
        });
      });
      const client = new NotifyClient(OPTIONS, sdk);

      expect((await rejectionOf(client.describeConfiguration('nc-404'))).kind).toBe('not_found');
    });
  });

  describe('observer', () => {
    it('is told each call to Notify once, with its operation, outcome and duration, and nothing else', async () => {
      const events: NotifyCallEvent[] = [];
      const sdk = new FakeSdk().reply(
        () => ({ MessageId: 'msg-1', $metadata: {} }),
        () => {
          throw new ThrottlingException({ $metadata: {}, message: 'slow down' });
        },
        () => ({ NotifyTemplates: [templateInfo('t-1')], NextToken: 'page-2' }),
        () => ({ NotifyTemplates: [] }),
        () => ({ NotifyTemplates: [templateInfo(TEMPLATE_ID)] }),
      );
      const client = new NotifyClient({ ...OPTIONS, observer: (event) => events.push(event) }, sdk);

      await client.sendText({ configurationId: 'nc-1', to: '+12065550100', variables: { code: '482913' } });
      await rejectionOf(client.putFeedback('msg-1', 'RECEIVED'));
      await client.describeTemplates(); // two pages, one event
      await client.getTemplate(TEMPLATE_ID);
      await client.getTemplate(TEMPLATE_ID); // cached: no call, no event
      await client.describeTemplates([]); // no call, no event

      expect(events).toEqual([
        { operation: 'SendNotifyTextMessage', outcome: 'ok', durationMs: expect.any(Number) },
        { operation: 'PutMessageFeedback', outcome: 'throttled', durationMs: expect.any(Number) },
        { operation: 'DescribeNotifyTemplates', outcome: 'ok', durationMs: expect.any(Number) },
        { operation: 'DescribeNotifyTemplates', outcome: 'ok', durationMs: expect.any(Number) },
      ]);
      expect(JSON.stringify(events)).not.toMatch(/482913|12065550100|msg-1/);
    });

    it('cannot change what a call returns by throwing', async () => {
      const sdk = new FakeSdk().reply(() => ({ NotifyConfigurations: [] }));
      const client = new NotifyClient(
        {
          ...OPTIONS,
          observer: () => {
            throw new Error('broken metrics');
          },
        },
        sdk,
      );

      expect((await rejectionOf(client.describeConfiguration('nc-404'))).kind).toBe('not_found');
    });
  });

  it('destroys the SDK client on close', () => {
    const sdk = new FakeSdk();
    const client = new NotifyClient(OPTIONS, sdk);

    client.close();

    expect(sdk.destroyed).toBe(true);
  });
});
