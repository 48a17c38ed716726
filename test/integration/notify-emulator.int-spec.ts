import {
  AccessDeniedException,
  ConflictException,
  DescribeNotifyConfigurationsCommand,
  DescribeNotifyTemplatesCommand,
  DescribePoolsCommand,
  InternalServerException,
  paginateDescribeNotifyTemplates,
  PinpointSMSVoiceV2Client,
  PinpointSMSVoiceV2ServiceException,
  PutMessageFeedbackCommand,
  ResourceNotFoundException,
  SendNotifyTextMessageCommand,
  type SendNotifyTextMessageCommandInput,
  SendNotifyVoiceMessageCommand,
  type SendNotifyVoiceMessageCommandInput,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  BASIC_CONFIGURATION_ID,
  DEFAULT_CONFIGURATION_ID,
  DEFAULT_TIME_TO_LIVE_SECONDS,
  ENGLISH_TEMPLATE_ID,
  FRENCH_TEMPLATE_ID,
  MAX_BODY_BYTES,
  NotifyEmulator,
  PENDING_CONFIGURATION_ID,
  SMS_ONLY_CONFIGURATION_ID,
  SPANISH_TEMPLATE_ID,
} from '@app/notify-emulator';

const CREDENTIALS = { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' };
const START = new Date('2025-06-01T12:00:00.000Z');
const US_NUMBER = '+12065550100';
const SANDBOX_ARN = `arn:aws:sms-voice:us-east-1:000000000000:notify-configuration/${DEFAULT_CONFIGURATION_ID}`;

let clock = START;
const emulator = new NotifyEmulator({ now: () => clock });
let endpoint: string;
let client: PinpointSMSVoiceV2Client;

function newClient(overrides: Partial<ConstructorParameters<typeof PinpointSMSVoiceV2Client>[0]> = {}) {
  // One attempt by default: a test of a fault must see the fault, not the SDK's retry of it.
  return new PinpointSMSVoiceV2Client({
    endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
    ...overrides,
  });
}

beforeAll(async () => {
  endpoint = await emulator.listen(0);
  client = newClient();
});

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
  clock = START;
});

function sendText(overrides: Partial<SendNotifyTextMessageCommandInput> = {}) {
  return client.send(
    new SendNotifyTextMessageCommand({
      NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
      DestinationPhoneNumber: US_NUMBER,
      TemplateVariables: { code: '123456' },
      ...overrides,
    }),
  );
}

function sendVoice(overrides: Partial<SendNotifyVoiceMessageCommandInput> = {}) {
  return client.send(
    new SendNotifyVoiceMessageCommand({
      NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
      DestinationPhoneNumber: US_NUMBER,
      TemplateVariables: { code: '1. 2. 3. 4. 5. 6.' },
      ...overrides,
    }),
  );
}

async function rejection(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the call to be rejected');
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function rawCall(operation: string | undefined, body: string | Buffer): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.0' };
  if (operation) headers['X-Amz-Target'] = `PinpointSMSVoiceV2.${operation}`;
  return fetch(`${endpoint}/`, { method: 'POST', headers, body });
}

describe('SendNotifyTextMessage', () => {
  it('renders the default template and keeps the delivered message', async () => {
    const result = await sendText();

    expect(result.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.TemplateId).toBe(ENGLISH_TEMPLATE_ID);
    expect(result.ResolvedMessageBody).toBe('Sandbox: your verification code is 123456. Do not share it.');
    expect(emulator.messages()).toEqual([
      {
        messageId: result.MessageId,
        channel: 'SMS',
        configurationId: DEFAULT_CONFIGURATION_ID,
        destinationPhoneNumber: US_NUMBER,
        isoCountryCode: 'US',
        resolvedMessageBody: result.ResolvedMessageBody,
        templateId: ENGLISH_TEMPLATE_ID,
        templateVariables: { code: '123456' },
        context: {},
        configurationSetName: undefined,
        timeToLive: DEFAULT_TIME_TO_LIVE_SECONDS,
        messageFeedbackEnabled: false,
        sentAt: START,
      },
    ]);
  });

  it('accepts the configuration ARN and keeps TimeToLive, Context, ConfigurationSetName and feedback', async () => {
    const result = await sendText({
      NotifyConfigurationId: SANDBOX_ARN,
      DestinationPhoneNumber: '+34612345678',
      TemplateId: SPANISH_TEMPLATE_ID,
      TimeToLive: 300,
      Context: { verificationId: 'v-1' },
      ConfigurationSetName: 'otp-events',
      MessageFeedbackEnabled: true,
    });

    expect(result.ResolvedMessageBody).toBe('Sandbox: tu código de verificación es 123456. No lo compartas.');
    const [message] = emulator.messages();
    expect(message).toMatchObject({
      configurationId: DEFAULT_CONFIGURATION_ID,
      isoCountryCode: 'ES',
      templateId: SPANISH_TEMPLATE_ID,
      timeToLive: 300,
      context: { verificationId: 'v-1' },
      configurationSetName: 'otp-events',
      messageFeedbackEnabled: true,
    });
  });

  it('validates a DryRun fully but neither stores nor counts it', async () => {
    const dry = await sendText({ DryRun: true });
    expect(dry.ResolvedMessageBody).toContain('123456');
    expect(emulator.messages()).toHaveLength(0);

    const invalid = await rejection(sendText({ DryRun: true, TemplateVariables: { code: 'abc' } }));
    expect(invalid).toBeInstanceOf(ValidationException);

    for (let i = 0; i < 10; i++) await sendText({ DryRun: true });
    // Ten dry runs later the number still has its whole daily allowance.
    for (let i = 0; i < 10; i++) await sendText();
    expect(emulator.messages({ to: US_NUMBER })).toHaveLength(10);
  });

  const failures: [
    string,
    Partial<SendNotifyTextMessageCommandInput>,
    new (...args: never[]) => Error,
    object,
  ][] = [
    [
      'an unknown configuration',
      { NotifyConfigurationId: 'no-such-config' },
      ResourceNotFoundException,
      { ResourceType: 'notify-configuration', ResourceId: 'no-such-config' },
    ],
    [
      'an unknown template',
      { TemplateId: 'notify-code-verification-klingon-001' },
      ResourceNotFoundException,
      { ResourceType: 'notify-template', ResourceId: 'notify-code-verification-klingon-001' },
    ],
    [
      'a configuration that is not ACTIVE',
      { NotifyConfigurationId: PENDING_CONFIGURATION_ID },
      ConflictException,
      {
        Reason: 'NOTIFY_CONFIGURATION_NOT_ACTIVE',
        ResourceType: 'notify-configuration',
        ResourceId: PENDING_CONFIGURATION_ID,
      },
    ],
    [
      'a missing code',
      { TemplateVariables: {} },
      ValidationException,
      {
        Reason: 'MISSING_PARAMETER',
        Fields: [{ Name: 'TemplateVariables.code', Message: 'Required variable is missing' }],
      },
    ],
    [
      'no TemplateVariables at all',
      { TemplateVariables: undefined },
      ValidationException,
      {
        Reason: 'MISSING_PARAMETER',
        Fields: [{ Name: 'TemplateVariables', Message: 'Member must not be null' }],
      },
    ],
    [
      'letters in the code',
      { TemplateVariables: { code: '12ab56' } },
      ValidationException,
      { Reason: 'INVALID_PARAMETER', Fields: [expect.objectContaining({ Name: 'TemplateVariables.code' })] },
    ],
    [
      'a code longer than MaxLength',
      { TemplateVariables: { code: '1'.repeat(41) } },
      ValidationException,
      {
        Reason: 'INVALID_PARAMETER',
        Fields: [{ Name: 'TemplateVariables.code', Message: 'Must have at most 40 characters' }],
      },
    ],
    [
      'an unknown variable',
      { TemplateVariables: { code: '123456', colour: 'red' } },
      ValidationException,
      {
        Reason: 'INVALID_PARAMETER',
        Fields: [expect.objectContaining({ Name: 'TemplateVariables.colour' })],
      },
    ],
    [
      'a SYSTEM variable sent by the caller',
      { TemplateVariables: { code: '123456', brandName: 'Evil Corp' } },
      ValidationException,
      {
        Reason: 'INVALID_PARAMETER',
        Fields: [
          { Name: 'TemplateVariables.brandName', Message: 'SYSTEM variables are filled by the service' },
        ],
      },
    ],
    [
      'a number without its +',
      { DestinationPhoneNumber: '12065550100' },
      ValidationException,
      { Reason: 'INVALID_PARAMETER', Fields: [expect.objectContaining({ Name: 'DestinationPhoneNumber' })] },
    ],
    [
      'a number with an unassigned calling code',
      { DestinationPhoneNumber: '+99912345678' },
      ValidationException,
      { Reason: 'INVALID_PARAMETER', Fields: [expect.objectContaining({ Name: 'DestinationPhoneNumber' })] },
    ],
    [
      'a country the configuration does not enable',
      { DestinationPhoneNumber: '+8613800138000' },
      ValidationException,
      {
        Reason: 'COUNTRY_NOT_ENABLED',
        Fields: [{ Name: 'DestinationPhoneNumber', Message: 'Country CN is not enabled' }],
      },
    ],
    [
      'a country outside the Basic configuration',
      { NotifyConfigurationId: BASIC_CONFIGURATION_ID, DestinationPhoneNumber: '+4915112345678' },
      ValidationException,
      { Reason: 'COUNTRY_NOT_ENABLED' },
    ],
    [
      'a TimeToLive under 5 seconds',
      { TimeToLive: 4 },
      ValidationException,
      {
        Reason: 'FIELD_VALIDATION_FAILED',
        Fields: [{ Name: 'TimeToLive', Message: 'Member must have value greater than or equal to 5' }],
      },
    ],
    [
      'a TimeToLive over 72 hours',
      { TimeToLive: 259_201 },
      ValidationException,
      { Reason: 'FIELD_VALIDATION_FAILED', Fields: [expect.objectContaining({ Name: 'TimeToLive' })] },
    ],
    [
      'a Context with more than 5 entries',
      { Context: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' } },
      ValidationException,
      { Reason: 'FIELD_VALIDATION_FAILED', Fields: [expect.objectContaining({ Name: 'Context' })] },
    ],
    [
      'a Context value over 800 characters',
      { Context: { note: 'x'.repeat(801) } },
      ValidationException,
      { Reason: 'FIELD_VALIDATION_FAILED', Fields: [expect.objectContaining({ Name: 'Context.note' })] },
    ],
    [
      'a ConfigurationSetName with spaces',
      { ConfigurationSetName: 'otp events' },
      ValidationException,
      {
        Reason: 'FIELD_VALIDATION_FAILED',
        Fields: [expect.objectContaining({ Name: 'ConfigurationSetName' })],
      },
    ],
  ];

  it.each(failures)('rejects %s', async (_case, overrides, exceptionClass, members) => {
    const error = await rejection(sendText(overrides));

    expect(error).toBeInstanceOf(exceptionClass);
    expect(error).toMatchObject(members);
    expect(error.message.length).toBeGreaterThan(0);
    expect(emulator.messages()).toHaveLength(0);
  });
});

describe('SendNotifyVoiceMessage', () => {
  it('reads the spaced code with the template voice unless one is asked for', async () => {
    const first = await sendVoice();
    const second = await sendVoice({ VoiceId: 'MATTHEW', TemplateId: ENGLISH_TEMPLATE_ID });

    expect(first.ResolvedMessageBody).toBe(
      'Sandbox: your verification code is 1. 2. 3. 4. 5. 6.. Do not share it.',
    );
    const [latest, earliest] = emulator.messages();
    expect(earliest).toMatchObject({ messageId: first.MessageId, channel: 'VOICE', voiceId: 'JOANNA' });
    expect(latest).toMatchObject({ messageId: second.MessageId, channel: 'VOICE', voiceId: 'MATTHEW' });
  });

  it('speaks French with a French voice', async () => {
    const result = await sendVoice({
      TemplateId: FRENCH_TEMPLATE_ID,
      VoiceId: 'LEA',
      DestinationPhoneNumber: '+33612345678',
    });
    expect(result.ResolvedMessageBody).toContain('votre code de vérification est 1. 2. 3. 4. 5. 6.');
  });

  it('refuses VOICE on a configuration without the channel', async () => {
    const error = await rejection(sendVoice({ NotifyConfigurationId: SMS_ONLY_CONFIGURATION_ID }));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({
      Reason: 'CHANNEL_NOT_ENABLED',
      Fields: [expect.objectContaining({ Name: 'NotifyConfigurationId' })],
    });
  });

  it('refuses a voice the template does not support, and a name that is no Polly voice', async () => {
    const unsupported = await rejection(sendVoice({ VoiceId: 'LUPE' }));
    expect(unsupported).toBeInstanceOf(ValidationException);
    expect(unsupported).toMatchObject({
      Reason: 'INVALID_PARAMETER',
      Fields: [expect.objectContaining({ Name: 'VoiceId' })],
    });

    const unknown = await rejection(sendVoice({ VoiceId: 'HAL9000' as never }));
    expect(unknown).toBeInstanceOf(ValidationException);
    expect(unknown).toMatchObject({
      Reason: 'FIELD_VALIDATION_FAILED',
      Fields: [expect.objectContaining({ Name: 'VoiceId' })],
    });
    expect(emulator.messages()).toHaveLength(0);
  });
});

describe('daily quotas', () => {
  it('stops a Basic configuration at 200 messages a UTC day', async () => {
    // 20 numbers x 10 messages keeps every number within its own daily limit.
    const numbers = Array.from({ length: 20 }, (_, i) => `+1206555${String(1000 + i)}`);
    for (const number of numbers) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          sendText({ NotifyConfigurationId: BASIC_CONFIGURATION_ID, DestinationPhoneNumber: number }),
        ),
      );
    }
    expect(emulator.messages()).toHaveLength(200);

    const over = await rejection(
      sendText({ NotifyConfigurationId: BASIC_CONFIGURATION_ID, DestinationPhoneNumber: '+12065559999' }),
    );
    expect(over).toBeInstanceOf(ServiceQuotaExceededException);
    expect(over).toMatchObject({ Reason: 'DAILY_NOTIFY_TIER_MESSAGE_LIMIT' });
    const dryRun = await rejection(
      sendText({
        NotifyConfigurationId: BASIC_CONFIGURATION_ID,
        DestinationPhoneNumber: '+12065559999',
        DryRun: true,
      }),
    );
    expect(dryRun).toBeInstanceOf(ServiceQuotaExceededException);
    // The Advanced configuration is not limited by the Basic one's count.
    await sendText({ DestinationPhoneNumber: '+12065559999' });

    clock = new Date('2025-06-01T23:59:59.999Z');
    expect(await rejection(sendVoice({ NotifyConfigurationId: BASIC_CONFIGURATION_ID }))).toBeInstanceOf(
      ServiceQuotaExceededException,
    );
    clock = new Date('2025-06-02T00:00:00.000Z');
    await expect(sendText({ NotifyConfigurationId: BASIC_CONFIGURATION_ID })).resolves.toHaveProperty(
      'MessageId',
    );
  });

  it('allows 10 messages per destination number, configuration and day, both channels together', async () => {
    for (let i = 0; i < 6; i++) await sendText();
    for (let i = 0; i < 4; i++) await sendVoice();

    for (const call of [sendText(), sendVoice(), sendText({ DryRun: true })]) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(ServiceQuotaExceededException);
      // AWS documents the cap but no Reason for it (notify-quotas.html): the emulator gives none.
      expect(error).toMatchObject({ Reason: undefined });
    }
    expect(emulator.messages({ to: US_NUMBER })).toHaveLength(10);

    await sendText({ DestinationPhoneNumber: '+12065550101' });
    await sendText({ NotifyConfigurationId: SMS_ONLY_CONFIGURATION_ID });

    clock = new Date('2025-06-02T08:00:00.000Z');
    await sendText();
    expect(emulator.messages({ to: US_NUMBER })[0].sentAt).toEqual(clock);
  });
});

describe('PutMessageFeedback', () => {
  it('records the feedback on a message sent with MessageFeedbackEnabled', async () => {
    const { MessageId } = await sendText({ MessageFeedbackEnabled: true });
    clock = new Date(START.getTime() + 30_000);

    const result = await client.send(
      new PutMessageFeedbackCommand({ MessageId, MessageFeedbackStatus: 'RECEIVED' }),
    );

    expect(result).toMatchObject({ MessageId, MessageFeedbackStatus: 'RECEIVED' });
    expect(emulator.messages()[0]).toMatchObject({ feedbackStatus: 'RECEIVED', feedbackUpdatedAt: clock });
  });

  it('rejects an unknown message, a DryRun message and one sent without feedback', async () => {
    const unknown = await rejection(
      client.send(
        new PutMessageFeedbackCommand({ MessageId: 'no-such-message', MessageFeedbackStatus: 'RECEIVED' }),
      ),
    );
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(unknown).toMatchObject({ ResourceType: 'message', ResourceId: 'no-such-message' });

    const dry = await sendText({ DryRun: true, MessageFeedbackEnabled: true });
    const dryFeedback = await rejection(
      client.send(
        new PutMessageFeedbackCommand({ MessageId: dry.MessageId, MessageFeedbackStatus: 'RECEIVED' }),
      ),
    );
    expect(dryFeedback).toBeInstanceOf(ResourceNotFoundException);

    const { MessageId } = await sendText();
    const disabled = await rejection(
      client.send(new PutMessageFeedbackCommand({ MessageId, MessageFeedbackStatus: 'FAILED' })),
    );
    expect(disabled).toBeInstanceOf(ValidationException);
    expect(disabled).toMatchObject({
      Reason: 'INVALID_REQUEST',
      Fields: [expect.objectContaining({ Name: 'MessageId' })],
    });
    expect(emulator.messages()[0].feedbackStatus).toBeUndefined();
  });

  it('rejects a status other than RECEIVED or FAILED', async () => {
    const { MessageId } = await sendText({ MessageFeedbackEnabled: true });
    const error = await rejection(
      client.send(new PutMessageFeedbackCommand({ MessageId, MessageFeedbackStatus: 'MAYBE' as never })),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ Reason: 'FIELD_VALIDATION_FAILED' });
  });
});

describe('DescribeNotifyTemplates', () => {
  it('describes the AWS-managed OTP templates', async () => {
    const { NotifyTemplates, NextToken } = await client.send(new DescribeNotifyTemplatesCommand({}));

    expect(NextToken).toBeUndefined();
    expect(NotifyTemplates?.map((t) => [t.TemplateId, t.LanguageCode])).toEqual([
      [ENGLISH_TEMPLATE_ID, 'en-US'],
      [SPANISH_TEMPLATE_ID, 'es-ES'],
      [FRENCH_TEMPLATE_ID, 'fr-FR'],
    ]);
    const english = NotifyTemplates![0];
    expect(english).toMatchObject({
      Version: 1,
      TemplateType: 'OTP_VERIFICATION',
      Channels: ['SMS', 'VOICE'],
      TierAccess: ['BASIC', 'ADVANCED'],
      Status: 'ACTIVE',
      SupportedVoiceIds: expect.arrayContaining(['JOANNA', 'MATTHEW', 'AMY']),
      Content: expect.stringContaining('{{code}}'),
      Variables: {
        code: {
          Type: 'STRING',
          Required: true,
          MaxLength: 40,
          Sample: '123456',
          Source: 'CUSTOMER',
          Pattern: expect.any(String),
        },
        brandName: { Type: 'STRING', Source: 'SYSTEM' },
      },
    });
    expect(english.SupportedCountries).toEqual(expect.arrayContaining(['US', 'GB', 'JP']));
    expect(english.CreatedTimestamp).toBeInstanceOf(Date);
    expect(new RegExp(english.Variables!.code.Pattern!).test('1. 2. 3. 4. 5. 6.')).toBe(true);
  });

  it('selects by id and by filters, and rejects unknown ids and filter names', async () => {
    const byId = await client.send(new DescribeNotifyTemplatesCommand({ TemplateIds: [FRENCH_TEMPLATE_ID] }));
    expect(byId.NotifyTemplates?.map((t) => t.TemplateId)).toEqual([FRENCH_TEMPLATE_ID]);

    const spanish = await client.send(
      new DescribeNotifyTemplatesCommand({ Filters: [{ Name: 'language-code', Values: ['es-ES'] }] }),
    );
    expect(spanish.NotifyTemplates?.map((t) => t.TemplateId)).toEqual([SPANISH_TEMPLATE_ID]);

    const celine = await client.send(
      new DescribeNotifyTemplatesCommand({
        Filters: [
          { Name: 'channels', Values: ['VOICE'] },
          { Name: 'supported-voice-ids', Values: ['CELINE'] },
        ],
      }),
    );
    expect(celine.NotifyTemplates?.map((t) => t.TemplateId)).toEqual([FRENCH_TEMPLATE_ID]);

    const unknownId = await rejection(
      client.send(new DescribeNotifyTemplatesCommand({ TemplateIds: ['nope'] })),
    );
    expect(unknownId).toBeInstanceOf(ResourceNotFoundException);
    expect(unknownId).toMatchObject({ ResourceType: 'notify-template', ResourceId: 'nope' });

    const unknownFilter = await rejection(
      client.send(
        new DescribeNotifyTemplatesCommand({ Filters: [{ Name: 'colour' as never, Values: ['red'] }] }),
      ),
    );
    expect(unknownFilter).toBeInstanceOf(ValidationException);
    expect(unknownFilter).toMatchObject({
      Reason: 'FIELD_VALIDATION_FAILED',
      Fields: [expect.objectContaining({ Name: 'Filters.1.Name' })],
    });
  });

  it('pages with MaxResults and NextToken, as the SDK paginator expects', async () => {
    const first = await client.send(new DescribeNotifyTemplatesCommand({ MaxResults: 2 }));
    expect(first.NotifyTemplates).toHaveLength(2);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await client.send(
      new DescribeNotifyTemplatesCommand({ MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(second.NotifyTemplates?.map((t) => t.TemplateId)).toEqual([FRENCH_TEMPLATE_ID]);
    expect(second.NextToken).toBeUndefined();

    const ids: string[] = [];
    for await (const page of paginateDescribeNotifyTemplates({ client, pageSize: 1 }, {})) {
      ids.push(...(page.NotifyTemplates ?? []).map((t) => t.TemplateId!));
    }
    expect(ids).toEqual([ENGLISH_TEMPLATE_ID, SPANISH_TEMPLATE_ID, FRENCH_TEMPLATE_ID]);

    const badToken = await rejection(
      client.send(new DescribeNotifyTemplatesCommand({ NextToken: 'garbage' })),
    );
    expect(badToken).toMatchObject({ name: 'ValidationException', Reason: 'INVALID_NEXT_TOKEN' });
    const badSize = await rejection(client.send(new DescribeNotifyTemplatesCommand({ MaxResults: 0 })));
    expect(badSize).toMatchObject({ name: 'ValidationException', Reason: 'FIELD_VALIDATION_FAILED' });
  });
});

describe('DescribeNotifyConfigurations', () => {
  it('describes the default configurations, by id or ARN', async () => {
    const all = await client.send(new DescribeNotifyConfigurationsCommand({}));
    expect(all.NotifyConfigurations?.map((c) => [c.NotifyConfigurationId, c.Tier, c.Status])).toEqual([
      [DEFAULT_CONFIGURATION_ID, 'ADVANCED', 'ACTIVE'],
      [BASIC_CONFIGURATION_ID, 'BASIC', 'ACTIVE'],
      [SMS_ONLY_CONFIGURATION_ID, 'ADVANCED', 'ACTIVE'],
      [PENDING_CONFIGURATION_ID, 'BASIC', 'PENDING'],
    ]);

    const byArn = await client.send(
      new DescribeNotifyConfigurationsCommand({ NotifyConfigurationIds: [SANDBOX_ARN] }),
    );
    expect(byArn.NotifyConfigurations).toEqual([
      expect.objectContaining({
        NotifyConfigurationArn: SANDBOX_ARN,
        NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
        DisplayName: 'Sandbox',
        UseCase: 'CODE_VERIFICATION',
        DefaultTemplateId: ENGLISH_TEMPLATE_ID,
        EnabledChannels: ['SMS', 'VOICE'],
        EnabledCountries: ['US', 'CA', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'MX', 'BR', 'IN', 'AU', 'JP'],
        CreatedTimestamp: expect.any(Date),
      }),
    ]);
  });

  it('filters, pages and rejects unknown ids', async () => {
    const voiceAndActive = await client.send(
      new DescribeNotifyConfigurationsCommand({
        Filters: [
          { Name: 'enabled-channels', Values: ['VOICE'] },
          { Name: 'status', Values: ['ACTIVE'] },
        ],
      }),
    );
    expect(voiceAndActive.NotifyConfigurations?.map((c) => c.NotifyConfigurationId)).toEqual([
      DEFAULT_CONFIGURATION_ID,
      BASIC_CONFIGURATION_ID,
    ]);

    const page = await client.send(new DescribeNotifyConfigurationsCommand({ MaxResults: 3 }));
    const rest = await client.send(
      new DescribeNotifyConfigurationsCommand({ MaxResults: 3, NextToken: page.NextToken }),
    );
    expect(rest.NotifyConfigurations?.map((c) => c.NotifyConfigurationId)).toEqual([
      PENDING_CONFIGURATION_ID,
    ]);

    const templateToken = (await client.send(new DescribeNotifyTemplatesCommand({ MaxResults: 1 })))
      .NextToken;
    const wrongToken = await rejection(
      client.send(new DescribeNotifyConfigurationsCommand({ NextToken: templateToken })),
    );
    expect(wrongToken).toMatchObject({ name: 'ValidationException', Reason: 'INVALID_NEXT_TOKEN' });

    const unknown = await rejection(
      client.send(new DescribeNotifyConfigurationsCommand({ NotifyConfigurationIds: ['missing-otp'] })),
    );
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(unknown).toMatchObject({ ResourceType: 'notify-configuration', ResourceId: 'missing-otp' });
  });
});

describe('fault injection', () => {
  it.each([
    [ThrottlingException, undefined, 400],
    [AccessDeniedException, 'ACCOUNT_DISABLED', 400],
    [ServiceQuotaExceededException, 'MONTHLY_SPEND_LIMIT_REACHED_FOR_NOTIFY', 400],
    [ConflictException, 'RESOURCE_NOT_ACTIVE', 400],
    [ValidationException, 'OTHER', 400],
    [InternalServerException, undefined, 500],
  ])('answers the next send with %p', async (exceptionClass, reason, status) => {
    emulator.injectFault({ operation: 'SendNotifyTextMessage', exception: exceptionClass.name, reason });

    const error = await rejection(sendText());

    expect(error).toBeInstanceOf(exceptionClass);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: status } });
    expect((error as { Reason?: string }).Reason).toBe(reason);
    expect(emulator.messages()).toHaveLength(0);
    await expect(sendText()).resolves.toHaveProperty('MessageId');
  });

  it('gives InternalServerException a RequestId and honours a status override', async () => {
    emulator.injectFault({ exception: 'InternalServerException', statusCode: 503, message: 'Down for tea' });
    const error = await rejection(sendText());
    expect(error).toBeInstanceOf(InternalServerException);
    expect(error).toMatchObject({
      message: 'Down for tea',
      RequestId: expect.any(String),
      $metadata: { httpStatusCode: 503 },
    });
  });

  it('only hits the named operation, as many times as asked', async () => {
    emulator.injectFault({
      operation: 'DescribeNotifyTemplates',
      exception: 'ThrottlingException',
      times: 2,
    });

    await sendText();
    for (let i = 0; i < 2; i++) {
      expect(await rejection(client.send(new DescribeNotifyTemplatesCommand({})))).toBeInstanceOf(
        ThrottlingException,
      );
    }
    await expect(client.send(new DescribeNotifyTemplatesCommand({}))).resolves.toHaveProperty(
      'NotifyTemplates',
    );
  });

  it('lets the SDK retry a throttled call through to success', async () => {
    const retrying = newClient({ maxAttempts: 3 });
    emulator.injectFault({ operation: 'SendNotifyTextMessage', exception: 'ThrottlingException' });

    const result = await retrying.send(
      new SendNotifyTextMessageCommand({
        NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
        DestinationPhoneNumber: US_NUMBER,
        TemplateVariables: { code: '123456' },
      }),
    );
    retrying.destroy();

    expect(result.$metadata.attempts).toBe(2);
    expect(emulator.messages()).toHaveLength(1);
  });

  it('delays an answer, long enough for a client timeout to fire', async () => {
    emulator.injectFault({ operation: 'SendNotifyTextMessage', delayMs: 200 });
    const started = Date.now();
    await expect(sendText()).resolves.toHaveProperty('MessageId');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);

    const impatient = newClient({ requestHandler: { requestTimeout: 50, throwOnRequestTimeout: true } });
    emulator.injectFault({ operation: 'SendNotifyTextMessage', delayMs: 300 });
    const timeout = await rejection(
      impatient.send(
        new SendNotifyTextMessageCommand({
          NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
          DestinationPhoneNumber: '+12065550111',
          TemplateVariables: { code: '123456' },
        }),
      ),
    );
    impatient.destroy();
    expect(timeout.name).toBe('TimeoutError');
    expect(timeout).not.toBeInstanceOf(PinpointSMSVoiceV2ServiceException);
    // Like AWS, the emulator finishes a call whose client gave up: a timed-out send may still be delivered.
    await waitFor(() => emulator.messages({ to: '+12065550111' }).length === 1);
  });

  it('drops the connection, and answers normally afterwards', async () => {
    emulator.injectFault({ dropConnection: true });

    const error = await rejection(sendText());

    expect(error).not.toBeInstanceOf(PinpointSMSVoiceV2ServiceException);
    expect(`${(error as NodeJS.ErrnoException).code} ${error.message}`).toMatch(/ECONNRESET|socket hang up/);
    expect(emulator.messages()).toHaveLength(0);
    await expect(sendText()).resolves.toHaveProperty('MessageId');
  });

  it('forgets faults on clearFaults and reset', async () => {
    emulator.injectFault({ exception: 'ThrottlingException', times: 5 });
    emulator.clearFaults();
    await sendText();

    emulator.injectFault({ exception: 'ThrottlingException', times: 5 });
    emulator.reset();
    await sendText();
    expect(emulator.messages()).toHaveLength(1);
  });

  it('refuses a fault that could never fire or would do nothing', () => {
    expect(() =>
      emulator.injectFault({ operation: 'SendTextMessage', exception: 'ThrottlingException' }),
    ).toThrow(/operation/);
    expect(() => emulator.injectFault({ operation: 'SendNotifyTextMessage' })).toThrow(/needs/);
    expect(() => emulator.injectFault({ exception: 'ThrottlingException', times: 0 })).toThrow(/times/);
  });
});

describe('awsJson1_0 protocol', () => {
  it('answers an operation it does not emulate with UnknownOperationException', async () => {
    const error = await rejection(client.send(new DescribePoolsCommand({})));
    expect(error).toBeInstanceOf(PinpointSMSVoiceV2ServiceException);
    expect(error.name).toBe('UnknownOperationException');
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 } });

    const noTarget = await rawCall(undefined, '{}');
    expect(noTarget.status).toBe(400);
    expect(await noTarget.json()).toMatchObject({
      __type: expect.stringMatching(/#UnknownOperationException$/),
    });
  });

  it('puts the exception in __type, x-amzn-ErrorType and the members in the body', async () => {
    const response = await rawCall(
      'SendNotifyTextMessage',
      JSON.stringify({
        NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
        DestinationPhoneNumber: US_NUMBER,
        TemplateVariables: {},
      }),
    );

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(response.headers.get('x-amzn-requestid')).toEqual(expect.any(String));
    expect(await response.json()).toEqual({
      __type: 'com.amazonaws.pinpointsmsvoicev2#ValidationException',
      Message: expect.any(String),
      Reason: 'MISSING_PARAMETER',
      Fields: [{ Name: 'TemplateVariables.code', Message: 'Required variable is missing' }],
    });
  });

  it('answers malformed JSON, wrong member types and oversized bodies without falling over', async () => {
    const malformed = await rawCall('SendNotifyTextMessage', '{"NotifyConfigurationId": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      __type: expect.stringMatching(/#SerializationException$/),
    });

    const notAnObject = await rawCall('DescribeNotifyTemplates', '[1, 2]');
    expect(await notAnObject.json()).toMatchObject({
      __type: expect.stringMatching(/#SerializationException$/),
    });

    const wrongType = await rawCall(
      'SendNotifyTextMessage',
      JSON.stringify({
        NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
        DestinationPhoneNumber: US_NUMBER,
        TemplateVariables: { code: 123456 },
      }),
    );
    expect(await wrongType.json()).toMatchObject({
      Reason: 'FIELD_VALIDATION_FAILED',
      Fields: [{ Name: 'TemplateVariables.code' }],
    });

    const huge = await rawCall('SendNotifyTextMessage', Buffer.alloc(MAX_BODY_BYTES + 1, 'a'));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({
      __type: expect.stringMatching(/#RequestEntityTooLargeException$/),
    });

    await expect(sendText()).resolves.toHaveProperty('MessageId');
  });
});

describe('admin HTTP API', () => {
  it('lists messages newest first, filtered by destination', async () => {
    await sendText({ TemplateVariables: { code: '111111' } });
    await sendText({ DestinationPhoneNumber: '+12065550199' });
    await sendText({ TemplateVariables: { code: '333333' } });

    const encoded = await fetch(`${endpoint}/_emulator/messages?to=${encodeURIComponent(US_NUMBER)}`);
    expect(encoded.status).toBe(200);
    const messages = (await encoded.json()) as { resolvedMessageBody: string; sentAt: string }[];
    expect(messages.map((m) => m.resolvedMessageBody.match(/\d{6}/)?.[0])).toEqual(['333333', '111111']);
    expect(messages[0].sentAt).toBe(START.toISOString());

    const unencoded = (await (
      await fetch(`${endpoint}/_emulator/messages?to=${US_NUMBER}`)
    ).json()) as unknown[];
    expect(unencoded).toHaveLength(2);
    const all = (await (await fetch(`${endpoint}/_emulator/messages`)).json()) as unknown[];
    expect(all).toHaveLength(3);
  });

  it('injects and clears faults and resets state', async () => {
    const post = (path: string, body?: unknown) =>
      fetch(`${endpoint}${path}`, {
        method: 'POST',
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const created = await post('/_emulator/faults', {
      operation: 'SendNotifyTextMessage',
      exception: 'ThrottlingException',
    });
    expect(created.status).toBe(201);
    expect(await rejection(sendText())).toBeInstanceOf(ThrottlingException);

    expect((await post('/_emulator/faults', { exception: 'ThrottlingException', times: 3 })).status).toBe(
      201,
    );
    expect((await fetch(`${endpoint}/_emulator/faults`, { method: 'DELETE' })).status).toBe(204);
    await sendText();

    const invalid = await post('/_emulator/faults', { operation: 'SendNotifyTextMessage', explode: true });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ message: expect.stringContaining('explode') });
    expect((await fetch(`${endpoint}/_emulator/faults`, { method: 'POST', body: '{oops' })).status).toBe(400);

    expect((await post('/_emulator/reset')).status).toBe(204);
    expect(emulator.messages()).toHaveLength(0);
    expect((await fetch(`${endpoint}/_emulator/nothing-here`)).status).toBe(404);
  });
});

describe('options', () => {
  const custom = new NotifyEmulator({
    includeDefaults: false,
    accountId: '123456789012',
    region: 'eu-west-1',
    limits: { destinationDailyMessages: 2 },
    templates: [
      { id: 'sms-only-template', channels: ['SMS'], supportedCountries: ['US', 'CA'] },
      { id: 'us-only-template', supportedCountries: ['US'] },
      { id: 'retired-template', status: 'INACTIVE' },
      { id: 'advanced-only-template', tierAccess: ['ADVANCED'] },
    ],
    configurations: [
      {
        id: 'acme',
        displayName: 'Acme',
        defaultTemplateId: 'sms-only-template',
        enabledCountries: ['US', 'CA'],
      },
      { id: 'acme-basic', displayName: 'Acme', tier: 'BASIC', defaultTemplateId: 'advanced-only-template' },
    ],
  });
  let customClient: PinpointSMSVoiceV2Client;

  beforeAll(async () => {
    const customEndpoint = await custom.listen();
    customClient = new PinpointSMSVoiceV2Client({
      endpoint: customEndpoint,
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    customClient.destroy();
    await custom.close();
  });

  const send = (input: Partial<SendNotifyVoiceMessageCommandInput>, voice = false) => {
    const full = {
      NotifyConfigurationId: 'acme',
      DestinationPhoneNumber: US_NUMBER,
      TemplateVariables: { code: '4321' },
      ...input,
    };
    return customClient.send(
      voice ? new SendNotifyVoiceMessageCommand(full) : new SendNotifyTextMessageCommand(full),
    );
  };

  it('replaces the defaults with the given configurations and templates', async () => {
    const { NotifyConfigurations } = await customClient.send(new DescribeNotifyConfigurationsCommand({}));
    expect(NotifyConfigurations?.map((c) => c.NotifyConfigurationArn)).toEqual([
      'arn:aws:sms-voice:eu-west-1:123456789012:notify-configuration/acme',
      'arn:aws:sms-voice:eu-west-1:123456789012:notify-configuration/acme-basic',
    ]);
    expect((await send({})).ResolvedMessageBody).toBe(
      'Acme: your verification code is 4321. Do not share it.',
    );
    expect(await rejection(send({ NotifyConfigurationId: DEFAULT_CONFIGURATION_ID }))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('enforces the template channels, countries, status and tier access', async () => {
    expect(await rejection(send({}, true))).toMatchObject({
      name: 'ValidationException',
      Reason: 'INVALID_PARAMETER',
      Fields: [{ Name: 'TemplateId', Message: 'Channels: SMS' }],
    });
    expect(
      await rejection(send({ TemplateId: 'us-only-template', DestinationPhoneNumber: '+14165550100' })),
    ).toMatchObject({
      name: 'ValidationException',
      Reason: 'DESTINATION_COUNTRY_BLOCKED',
    });
    const retired = await rejection(send({ TemplateId: 'retired-template' }));
    expect(retired).toBeInstanceOf(ConflictException);
    expect(retired).toMatchObject({
      Reason: 'RESOURCE_NOT_ACTIVE',
      ResourceType: 'notify-template',
      ResourceId: 'retired-template',
    });
    expect(await rejection(send({ NotifyConfigurationId: 'acme-basic' }))).toMatchObject({
      name: 'ValidationException',
      Reason: 'INVALID_PARAMETER',
      Fields: [expect.objectContaining({ Name: 'TemplateId' })],
    });
  });

  it('applies the configured limits', async () => {
    custom.reset();
    await send({});
    await send({});
    expect(await rejection(send({}))).toMatchObject({
      name: 'ServiceQuotaExceededException',
      Reason: undefined,
    });
  });

  it('refuses options that contradict themselves', () => {
    expect(() => new NotifyEmulator({ configurations: [{ id: 'x', defaultTemplateId: 'missing' }] })).toThrow(
      /missing/,
    );
    expect(
      () => new NotifyEmulator({ configurations: [{ id: 'x', displayName: 'A name far too long' }] }),
    ).toThrow(/DisplayName/);
  });
});
