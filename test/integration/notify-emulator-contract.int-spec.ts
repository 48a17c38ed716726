import {
  ConflictException,
  DescribeNotifyConfigurationsCommand,
  type DescribeNotifyConfigurationsCommandInput,
  DescribeNotifyTemplatesCommand,
  type DescribeNotifyTemplatesCommandInput,
  PinpointSMSVoiceV2Client,
  PutMessageFeedbackCommand,
  type PutMessageFeedbackCommandInput,
  ResourceNotFoundException,
  SendNotifyTextMessageCommand,
  type SendNotifyTextMessageCommandInput,
  SendNotifyVoiceMessageCommand,
  type SendNotifyVoiceMessageCommandInput,
  ServiceQuotaExceededException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  BASIC_CONFIGURATION_ID,
  DEFAULT_CONFIGURATION_ID,
  DELIVERY_EVENT_TYPES,
  ENGLISH_TEMPLATE_ID,
  EventBridgeDetail,
  EmittedEvent,
  NotifyEmulator,
} from '@app/notify-emulator';

/**
 * The emulator against AWS's published facts, through the real SDK (which validates nothing itself): every Notify
 * operation the service calls, and every constraint AWS lists for its members, just inside and just outside the
 * limit. The facts are written out here from AWS's pages, not read from the emulator's tables, so that neither can
 * drift from AWS without a failing test.
 */
const CLI = 'https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2';
const PAGES = {
  sendText: `${CLI}/send-notify-text-message.html`,
  sendVoice: `${CLI}/send-notify-voice-message.html`,
  feedback: `${CLI}/put-message-feedback.html`,
  templates: `${CLI}/describe-notify-templates.html`,
  configurations: `${CLI}/describe-notify-configurations.html`,
  configurationFilter:
    'https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_NotifyConfigurationFilter.html',
  quotas: 'https://docs.aws.amazon.com/sms-voice/latest/userguide/notify-quotas.html',
  tiers: 'https://docs.aws.amazon.com/sms-voice/latest/userguide/notify-tiers.html',
  eventTypes: 'https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-types.html',
  eventFormat: 'https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html',
  eventBridge: 'https://docs.aws.amazon.com/sms-voice/latest/userguide/monitor-event-bridge.html',
};

const US_NUMBER = '+12065550100';
const CREDENTIALS = { accessKeyId: 'AKIDCONTRACT', secretAccessKey: 'contract-secret' };

const emulator = new NotifyEmulator({ limits: { basicTierDailyMessages: 3 } });
let client: PinpointSMSVoiceV2Client;
let endpoint: string;

beforeAll(async () => {
  endpoint = await emulator.listen(0);
  client = new PinpointSMSVoiceV2Client({
    endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await emulator.close();
});
beforeEach(() => emulator.reset());

async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (error) {
    return error;
  }
}

const validation = (reason: string, field: string) =>
  expect.objectContaining({
    name: 'ValidationException',
    Reason: reason,
    Fields: [expect.objectContaining({ Name: field, Message: expect.any(String) })],
  });
const invalid = (field: string) => validation('FIELD_VALIDATION_FAILED', field);
const missing = (field: string) => validation('MISSING_PARAMETER', field);
const accepted = expect.objectContaining({ $metadata: expect.objectContaining({ httpStatusCode: 200 }) });

function entries(count: number, value = 'v'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, value]));
}

type Case<T> = [string, Partial<T>, unknown];

const sendCases = (page: string): Case<SendNotifyTextMessageCommandInput>[] => [
  [
    `NotifyConfigurationId may be the ARN (${page})`,
    {
      NotifyConfigurationId: `arn:aws:sms-voice:us-east-1:000000000000:notify-configuration/${DEFAULT_CONFIGURATION_ID}`,
    },
    accepted,
  ],
  [
    `NotifyConfigurationId over 256 characters (${page})`,
    { NotifyConfigurationId: 'a'.repeat(257) },
    invalid('NotifyConfigurationId'),
  ],
  [
    `NotifyConfigurationId outside [A-Za-z0-9_:/-]+ (${page})`,
    { NotifyConfigurationId: 'sandbox otp' },
    invalid('NotifyConfigurationId'),
  ],
  [`NotifyConfigurationId empty (${page})`, { NotifyConfigurationId: '' }, invalid('NotifyConfigurationId')],
  [
    `DestinationPhoneNumber missing (${page})`,
    { DestinationPhoneNumber: undefined },
    missing('DestinationPhoneNumber'),
  ],
  [
    `DestinationPhoneNumber over 20 characters (${page})`,
    { DestinationPhoneNumber: `+1${'2'.repeat(19)}` },
    invalid('DestinationPhoneNumber'),
  ],
  [
    `DestinationPhoneNumber outside \\+?[1-9][0-9]{1,18} (${page})`,
    { DestinationPhoneNumber: '+0206555010' },
    invalid('DestinationPhoneNumber'),
  ],
  [`TemplateId empty means the default template (${page}: 0-256)`, { TemplateId: '' }, accepted],
  [`TemplateId over 256 characters (${page})`, { TemplateId: 'a'.repeat(257) }, invalid('TemplateId')],
  [`TemplateId outside [A-Za-z0-9_-]* (${page})`, { TemplateId: 'notify:code' }, invalid('TemplateId')],
  [
    `TemplateVariables missing (${page}: required)`,
    { TemplateVariables: undefined },
    missing('TemplateVariables'),
  ],
  [
    `TemplateVariables over 20 entries (${page})`,
    { TemplateVariables: { code: '123456', ...entries(20) } },
    invalid('TemplateVariables'),
  ],
  [
    `TemplateVariables key outside [A-Za-z0-9_]+ (${page})`,
    { TemplateVariables: { code: '123456', 'a-b': 'v' } },
    invalid('TemplateVariables.key'),
  ],
  [
    `TemplateVariables key over 64 characters (${page})`,
    { TemplateVariables: { code: '123456', ['k'.repeat(65)]: 'v' } },
    invalid('TemplateVariables.key'),
  ],
  [
    `TemplateVariables value empty (${page}: 1-2048)`,
    { TemplateVariables: { code: '' } },
    invalid('TemplateVariables.code'),
  ],
  [
    `TemplateVariables value over 2048 characters (${page})`,
    { TemplateVariables: { code: '1'.repeat(2049) } },
    invalid('TemplateVariables.code'),
  ],
  [`TimeToLive of 5 seconds (${page}: 5-259200)`, { TimeToLive: 5 }, accepted],
  [`TimeToLive of 259200 seconds (${page})`, { TimeToLive: 259_200 }, accepted],
  [`TimeToLive under 5 (${page})`, { TimeToLive: 4 }, invalid('TimeToLive')],
  [`TimeToLive over 259200 (${page})`, { TimeToLive: 259_201 }, invalid('TimeToLive')],
  [`Context of 5 entries (${page})`, { Context: entries(5) }, accepted],
  [`Context of 6 entries (${page}: at most 5)`, { Context: entries(6) }, invalid('Context')],
  [`Context key with a blank (${page}: \\S+)`, { Context: { 'a b': 'v' } }, invalid('Context.key')],
  [
    `Context key over 100 characters (${page})`,
    { Context: { ['k'.repeat(101)]: 'v' } },
    invalid('Context.key'),
  ],
  [`Context value empty (${page}: 1-800)`, { Context: { ref: '' } }, invalid('Context.ref')],
  [`Context value with a leading blank (${page})`, { Context: { ref: ' padded' } }, invalid('Context.ref')],
  [`Context value with a trailing blank (${page})`, { Context: { ref: 'padded ' } }, invalid('Context.ref')],
  [
    `Context value of 800 characters, blanks inside (${page})`,
    { Context: { ref: `a ${'b'.repeat(796)} c` } },
    accepted,
  ],
  [
    `Context value over 800 characters (${page})`,
    { Context: { ref: 'x'.repeat(801) } },
    invalid('Context.ref'),
  ],
  [
    `ConfigurationSetName as an ARN of 256 characters (${page})`,
    { ConfigurationSetName: `arn:aws:sms-voice:us-east-1:000000000000:configuration-set/${'a'.repeat(197)}` },
    accepted,
  ],
  [
    `ConfigurationSetName over 256 characters (${page})`,
    { ConfigurationSetName: 'a'.repeat(257) },
    invalid('ConfigurationSetName'),
  ],
  [
    `ConfigurationSetName outside [A-Za-z0-9_:/-]+ (${page})`,
    { ConfigurationSetName: 'otp events' },
    invalid('ConfigurationSetName'),
  ],
];

describe('SendNotifyTextMessage', () => {
  const send = (overrides: Partial<SendNotifyTextMessageCommandInput>) =>
    client.send(
      new SendNotifyTextMessageCommand({
        NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
        DestinationPhoneNumber: US_NUMBER,
        TemplateVariables: { code: '123456' },
        DryRun: true,
        ...overrides,
      }),
    );

  it.each(sendCases(PAGES.sendText))('%s', async (_case, overrides, expected) => {
    expect(await outcome(send(overrides))).toEqual(expected);
  });

  it(`answers an unknown configuration with ResourceNotFoundException naming it (${PAGES.sendText})`, async () => {
    const error = await outcome(send({ NotifyConfigurationId: 'no-such-configuration' }));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({
      ResourceType: 'notify-configuration',
      ResourceId: 'no-such-configuration',
    });
  });
});

describe('SendNotifyVoiceMessage', () => {
  const send = (overrides: Partial<SendNotifyVoiceMessageCommandInput>) =>
    client.send(
      new SendNotifyVoiceMessageCommand({
        NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
        DestinationPhoneNumber: US_NUMBER,
        TemplateVariables: { code: '1. 2. 3. 4. 5. 6.' },
        DryRun: true,
        ...overrides,
      }),
    );

  const voiceCases: Case<SendNotifyVoiceMessageCommandInput>[] = [
    ...sendCases(PAGES.sendVoice),
    [
      `VoiceId outside the Polly enum (${PAGES.sendVoice})`,
      { VoiceId: 'NOBODY' as 'JOANNA' },
      invalid('VoiceId'),
    ],
    [`VoiceId of the enum (${PAGES.sendVoice})`, { VoiceId: 'MATTHEW' }, accepted],
  ];

  it.each(voiceCases)('%s', async (_case, overrides, expected) => {
    expect(await outcome(send(overrides))).toEqual(expected);
  });
});

describe('PutMessageFeedback', () => {
  let messageId: string;
  beforeEach(async () => {
    const sent = await client.send(
      new SendNotifyTextMessageCommand({
        NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
        DestinationPhoneNumber: US_NUMBER,
        TemplateVariables: { code: '123456' },
        MessageFeedbackEnabled: true,
      }),
    );
    messageId = sent.MessageId!;
  });
  const put = (overrides: Partial<PutMessageFeedbackCommandInput>) =>
    client.send(
      new PutMessageFeedbackCommand({ MessageId: messageId, MessageFeedbackStatus: 'FAILED', ...overrides }),
    );

  const cases: Case<PutMessageFeedbackCommandInput>[] = [
    [`MessageId missing (${PAGES.feedback})`, { MessageId: undefined }, missing('MessageId')],
    [`MessageId over 64 characters (${PAGES.feedback})`, { MessageId: 'a'.repeat(65) }, invalid('MessageId')],
    [`MessageId outside [A-Za-z0-9_:/-]+ (${PAGES.feedback})`, { MessageId: 'a b' }, invalid('MessageId')],
    [
      `MessageFeedbackStatus missing (${PAGES.feedback})`,
      { MessageFeedbackStatus: undefined },
      missing('MessageFeedbackStatus'),
    ],
    [
      `MessageFeedbackStatus outside RECEIVED | FAILED (${PAGES.feedback})`,
      { MessageFeedbackStatus: 'MAYBE' as 'FAILED' },
      invalid('MessageFeedbackStatus'),
    ],
  ];

  it.each(cases)('%s', async (_case, overrides, expected) => {
    expect(await outcome(put(overrides))).toEqual(expected);
  });

  it.each(['RECEIVED', 'FAILED'] as const)(
    `takes %s for a message sent with feedback (${PAGES.feedback})`,
    async (status) => {
      expect(await put({ MessageFeedbackStatus: status })).toMatchObject({
        MessageId: messageId,
        MessageFeedbackStatus: status,
      });
    },
  );

  it(`answers an unknown message with ResourceNotFoundException naming it (${PAGES.feedback})`, async () => {
    const error = await outcome(put({ MessageId: 'no-such-message' }));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ ResourceType: 'message', ResourceId: 'no-such-message' });
  });
});

const filterCases = (page: string, name: string): [string, unknown, unknown][] => [
  [
    `Filters over 20 (${page})`,
    Array.from({ length: 21 }, () => ({ Name: name, Values: ['x'] })),
    invalid('Filters'),
  ],
  [
    `a filter Name outside the enum (${page})`,
    [{ Name: 'colour', Values: ['x'] }],
    invalid('Filters.1.Name'),
  ],
  [`a filter without Values (${page})`, [{ Name: name, Values: [] }], invalid('Filters.1.Values')],
  [
    `a filter with 21 Values (${page})`,
    [{ Name: name, Values: Array(21).fill('x') }],
    invalid('Filters.1.Values'),
  ],
  [
    `a filter value over 128 characters (${PAGES.configurationFilter})`,
    [{ Name: name, Values: ['x'.repeat(129)] }],
    invalid('Filters.1.Values.1'),
  ],
  [
    `a filter value outside [/\\.:A-Za-z0-9+_-]+ (${PAGES.configurationFilter})`,
    [{ Name: name, Values: ['a b'] }],
    invalid('Filters.1.Values.1'),
  ],
];

describe('DescribeNotifyTemplates', () => {
  const describeTemplates = (input: DescribeNotifyTemplatesCommandInput) =>
    client.send(new DescribeNotifyTemplatesCommand(input));

  const cases: [string, DescribeNotifyTemplatesCommandInput, unknown][] = [
    [`TemplateIds empty (${PAGES.templates}: 1-10)`, { TemplateIds: [] }, invalid('TemplateIds')],
    [
      `TemplateIds of 10 (${PAGES.templates})`,
      { TemplateIds: Array(10).fill(ENGLISH_TEMPLATE_ID) },
      accepted,
    ],
    [
      `TemplateIds of 11 (${PAGES.templates})`,
      { TemplateIds: Array(11).fill(ENGLISH_TEMPLATE_ID) },
      invalid('TemplateIds'),
    ],
    [
      `a TemplateId outside [A-Za-z0-9_-]* (${PAGES.templates})`,
      { TemplateIds: ['notify:code'] },
      invalid('TemplateIds.1'),
    ],
    [`MaxResults of 0 (${PAGES.templates}: 1-100)`, { MaxResults: 0 }, invalid('MaxResults')],
    [`MaxResults of 101 (${PAGES.templates})`, { MaxResults: 101 }, invalid('MaxResults')],
    [
      `a NextToken it never gave (${PAGES.templates})`,
      { NextToken: 'bogus' },
      validation('INVALID_NEXT_TOKEN', 'NextToken'),
    ],
    [
      `a language-code filter (${PAGES.templates})`,
      { Filters: [{ Name: 'language-code', Values: ['en-US'] }] },
      accepted,
    ],
    ...filterCases(PAGES.templates, 'language-code').map(
      ([name, filters, expected]) =>
        [name, { Filters: filters } as DescribeNotifyTemplatesCommandInput, expected] as [
          string,
          DescribeNotifyTemplatesCommandInput,
          unknown,
        ],
    ),
  ];

  it.each(cases)('%s', async (_case, input, expected) => {
    expect(await outcome(describeTemplates(input))).toEqual(expected);
  });

  it(`states LanguageCode, Channels, TierAccess and Status of AWS's English template (${PAGES.templates})`, async () => {
    const { NotifyTemplates } = await describeTemplates({ TemplateIds: [ENGLISH_TEMPLATE_ID] });
    expect(NotifyTemplates).toEqual([
      expect.objectContaining({
        TemplateId: ENGLISH_TEMPLATE_ID,
        LanguageCode: 'en-US',
        Channels: ['SMS', 'VOICE'],
        TierAccess: ['BASIC', 'ADVANCED'],
        Status: 'ACTIVE',
      }),
    ]);
  });
});

describe('DescribeNotifyConfigurations', () => {
  const describeConfigurations = (input: DescribeNotifyConfigurationsCommandInput) =>
    client.send(new DescribeNotifyConfigurationsCommand(input));

  const cases: [string, DescribeNotifyConfigurationsCommandInput, unknown][] = [
    [
      `NotifyConfigurationIds of 5 (${PAGES.configurations})`,
      { NotifyConfigurationIds: Array(5).fill(DEFAULT_CONFIGURATION_ID) },
      accepted,
    ],
    [
      `NotifyConfigurationIds of 6 (${PAGES.configurations}: at most 5)`,
      { NotifyConfigurationIds: Array(6).fill(DEFAULT_CONFIGURATION_ID) },
      invalid('NotifyConfigurationIds'),
    ],
    [
      `a NotifyConfigurationId outside [A-Za-z0-9_:/-]+ (${PAGES.configurations})`,
      { NotifyConfigurationIds: ['a b'] },
      invalid('NotifyConfigurationIds.1'),
    ],
    [`MaxResults of 101 (${PAGES.configurations})`, { MaxResults: 101 }, invalid('MaxResults')],
    [
      `an enabled-countries filter (${PAGES.configurationFilter})`,
      { Filters: [{ Name: 'enabled-countries', Values: ['US'] }] },
      accepted,
    ],
    ...filterCases(PAGES.configurations, 'enabled-countries').map(
      ([name, filters, expected]) =>
        [name, { Filters: filters } as DescribeNotifyConfigurationsCommandInput, expected] as [
          string,
          DescribeNotifyConfigurationsCommandInput,
          unknown,
        ],
    ),
  ];

  it.each(cases)('%s', async (_case, input, expected) => {
    expect(await outcome(describeConfigurations(input))).toEqual(expected);
  });

  it(`answers an unknown configuration with ResourceNotFoundException naming it (${PAGES.configurations})`, async () => {
    const error = await outcome(
      describeConfigurations({ NotifyConfigurationIds: ['no-such-configuration'] }),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({
      ResourceType: 'notify-configuration',
      ResourceId: 'no-such-configuration',
    });
  });

  it('may describe a configuration without EnabledCountries, which is optional in the model', async () => {
    const bare = new NotifyEmulator({ configurations: [{ id: 'bare', enabledCountries: undefined }] });
    const url = await bare.listen(0);
    const other = new PinpointSMSVoiceV2Client({
      endpoint: url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    try {
      const { NotifyConfigurations } = await other.send(
        new DescribeNotifyConfigurationsCommand({ NotifyConfigurationIds: ['bare'] }),
      );
      expect(NotifyConfigurations?.[0]).not.toHaveProperty('EnabledCountries');
    } finally {
      other.destroy();
      await bare.close();
    }
  });
});

describe('quotas and faults', () => {
  const sendTo = (to: string, configuration = DEFAULT_CONFIGURATION_ID) =>
    client.send(
      new SendNotifyTextMessageCommand({
        NotifyConfigurationId: configuration,
        DestinationPhoneNumber: to,
        TemplateVariables: { code: '123456' },
      }),
    );

  it(`stops a Basic configuration with DAILY_NOTIFY_TIER_MESSAGE_LIMIT (${PAGES.tiers})`, async () => {
    for (let i = 0; i < 3; i++) await sendTo(`+1206555010${i}`, BASIC_CONFIGURATION_ID);
    const error = await outcome(sendTo('+12065550109', BASIC_CONFIGURATION_ID));
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error).toMatchObject({ Reason: 'DAILY_NOTIFY_TIER_MESSAGE_LIMIT' });
  });

  it(`stops the 11th message to a number without a Reason, as AWS documents none (${PAGES.quotas})`, async () => {
    for (let i = 0; i < 10; i++) await sendTo(US_NUMBER);
    const error = await outcome(sendTo(US_NUMBER));
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error).toMatchObject({ Reason: undefined });
  });

  it.each([
    ['ResourceNotFoundException', ResourceNotFoundException],
    ['ConflictException', ConflictException],
  ] as const)(
    'gives an injected %s the ResourceType and ResourceId AWS always sends',
    async (exception, type) => {
      emulator.injectFault({ operation: 'SendNotifyTextMessage', exception });
      const error = await outcome(sendTo(US_NUMBER));
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({
        ResourceType: 'notify-configuration',
        ResourceId: DEFAULT_CONFIGURATION_ID,
      });
      emulator.injectFault({ operation: 'PutMessageFeedback', exception });
      const feedback = await outcome(
        client.send(new PutMessageFeedbackCommand({ MessageId: 'm-1', MessageFeedbackStatus: 'RECEIVED' })),
      );
      expect(feedback).toMatchObject({ ResourceType: 'message', ResourceId: 'm-1' });
    },
  );
});

describe('awsJson1_0 Content-Type', () => {
  const call = (contentType: string) =>
    fetch(`${endpoint}/`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'X-Amz-Target': 'PinpointSMSVoiceV2.DescribeNotifyTemplates' },
      body: '{}',
    });

  it('answers another Content-Type with UnknownOperationException, as AWS does (smithy4s#167)', async () => {
    for (const type of ['application/json', 'text/plain', 'application/x-amz-json-1.1']) {
      const res = await call(type);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        __type: expect.stringMatching(/#UnknownOperationException$/),
      });
    }
    expect((await call('application/x-amz-json-1.0')).status).toBe(200);
  });
});

describe('delivery events', () => {
  const FINAL = [
    'TEXT_SUCCESSFUL',
    'TEXT_DELIVERED',
    'TEXT_BLOCKED',
    'TEXT_CARRIER_BLOCKED',
    'TEXT_PROTECT_BLOCKED',
    'TEXT_SPAM',
    'TEXT_INVALID',
    'TEXT_INVALID_MESSAGE',
    'TEXT_UNREACHABLE',
    'TEXT_CARRIER_UNREACHABLE',
    'TEXT_TTL_EXPIRED',
    'TEXT_UNKNOWN',
    'VOICE_COMPLETED',
    'VOICE_BUSY',
    'VOICE_NO_ANSWER',
    'VOICE_FAILED',
    'VOICE_TTL_EXPIRED',
  ];

  async function sent(channel: 'SMS' | 'VOICE'): Promise<string> {
    const input = {
      NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
      DestinationPhoneNumber: US_NUMBER,
      Context: { verificationId: 'VE1' },
    };
    const result =
      channel === 'SMS'
        ? await client.send(
            new SendNotifyTextMessageCommand({ ...input, TemplateVariables: { code: '123456' } }),
          )
        : await client.send(
            new SendNotifyVoiceMessageCommand({ ...input, TemplateVariables: { code: '1. 2. 3. 4. 5. 6.' } }),
          );
    return result.MessageId!;
  }

  it(`has the event types of ${PAGES.eventTypes}, final as AWS's records show them (TEXT_SUCCESSFUL too)`, async () => {
    const sms = await sent('SMS');
    const voice = await sent('VOICE');
    const records = [
      ...emulator.deliveryRecords(
        sms,
        DELIVERY_EVENT_TYPES.filter((t) => t.startsWith('TEXT_')),
      ),
      ...emulator.deliveryRecords(
        voice,
        DELIVERY_EVENT_TYPES.filter((t) => t.startsWith('VOICE_')),
      ),
    ];
    expect(
      records
        .filter((r) => r.isFinal)
        .map((r) => r.eventType)
        .sort(),
    ).toEqual([...FINAL].sort());
    expect(records.find((r) => r.eventType === 'TEXT_SUCCESSFUL')).toMatchObject({
      isFinal: true,
      messageStatus: 'SUCCESSFUL',
      messageStatusDescription: 'Message has been accepted by phone carrier',
    });
  });

  it(`sends SNS records as ${PAGES.eventFormat} shows them: with the destination and the Context`, async () => {
    const messageId = await sent('SMS');
    const captured: EmittedEvent[] = [];
    emulator.setEventDestination({ deliver: async (event) => void captured.push(event) });
    await emulator.emitEvents(messageId, ['TEXT_DELIVERED'], { via: 'sns' });
    const record = JSON.parse((JSON.parse(captured[0].body) as { Message: string }).Message) as object;
    expect(record).toMatchObject({
      eventType: 'TEXT_DELIVERED',
      isFinal: true,
      destinationPhoneNumber: US_NUMBER,
      originationPhoneNumber: expect.stringMatching(/^\+\d+$/),
      isoCountryCode: 'US',
      messageId,
      context: { verificationId: 'VE1' },
    });
  });

  it(`sends EventBridge details as ${PAGES.eventBridge} shows them: no destination or Context, a sender ID`, async () => {
    const messageId = await sent('SMS');
    const captured: EmittedEvent[] = [];
    emulator.setEventDestination({ deliver: async (event) => void captured.push(event) });
    await emulator.emitEvents(messageId, ['TEXT_SUCCESSFUL'], { via: 'eventbridge' });
    const envelope = JSON.parse(captured[0].body) as {
      source: string;
      'detail-type': string;
      detail: EventBridgeDetail;
    };
    expect(envelope).toMatchObject({
      source: 'aws.sms-voice',
      'detail-type': 'Text Message Delivery Status Updated',
    });
    expect(envelope.detail).not.toHaveProperty('destinationPhoneNumber');
    expect(envelope.detail).not.toHaveProperty('context');
    expect(envelope.detail).toMatchObject({
      eventType: 'TEXT_SUCCESSFUL',
      isFinal: true,
      messageId,
      isoCountryCode: 'US',
      carrierName: expect.any(String),
      originationPhoneNumber: expect.stringMatching(/^[A-Z0-9]{1,11}$/),
      protectConfiguration: {
        protectConfigurationId: expect.stringMatching(/^protect-/),
        protectStatus: 'ALLOW',
      },
    });
  });
});
