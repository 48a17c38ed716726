import type {
  NotifyConfigurationInformation,
  NotifyTemplateInformation,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { toNotifyConfiguration, toNotifyTemplate } from './notify.mappers';

describe(toNotifyTemplate.name, () => {
  it('maps every member of a template and its variables', () => {
    const info: NotifyTemplateInformation = {
      TemplateId: 'notify-code-verification-english-001',
      Version: 2,
      TemplateType: 'OTP_VERIFICATION',
      Channels: ['SMS', 'VOICE'],
      TierAccess: ['BASIC', 'ADVANCED'],
      Status: 'ACTIVE',
      SupportedCountries: ['US', 'GB'],
      LanguageCode: 'en-US',
      Content: 'Your {{brand}} code is {{code}}',
      Variables: {
        code: {
          Type: 'STRING',
          Required: true,
          MaxLength: 10,
          Pattern: '^[0-9]+$',
          Sample: '123456',
          Source: 'CUSTOMER',
        },
        minutes: {
          Type: 'INTEGER',
          Required: false,
          MinValue: 1,
          MaxValue: 60,
          DefaultValue: '10',
          Description: 'validity',
        },
        brand: { Type: 'STRING', Required: true, Source: 'SYSTEM' },
      },
      SupportedVoiceIds: ['JOANNA', 'MATTHEW'],
      CreatedTimestamp: new Date(0),
    };

    expect(toNotifyTemplate(info)).toEqual({
      id: 'notify-code-verification-english-001',
      version: 2,
      channels: ['SMS', 'VOICE'],
      status: 'ACTIVE',
      languageCode: 'en-US',
      supportedCountries: ['US', 'GB'],
      tierAccess: ['BASIC', 'ADVANCED'],
      content: 'Your {{brand}} code is {{code}}',
      variables: {
        code: {
          type: 'STRING',
          required: true,
          maxLength: 10,
          pattern: '^[0-9]+$',
          sample: '123456',
          source: 'CUSTOMER',
        },
        minutes: {
          type: 'INTEGER',
          required: false,
          minValue: 1,
          maxValue: 60,
          defaultValue: '10',
          source: 'CUSTOMER',
        },
        brand: { type: 'STRING', required: true, source: 'SYSTEM' },
      },
      supportedVoiceIds: ['JOANNA', 'MATTHEW'],
    });
  });

  it('fills absent lists and status so callers need no undefined checks', () => {
    const template = toNotifyTemplate({
      TemplateId: 't-1',
      Version: undefined,
      TemplateType: undefined,
      Channels: undefined,
      CreatedTimestamp: undefined,
    });

    expect(template).toEqual({
      id: 't-1',
      channels: [],
      status: 'UNKNOWN',
      supportedCountries: [],
      tierAccess: [],
      variables: {},
      supportedVoiceIds: [],
    });
  });

  it('keeps only the channels Notify sends on', () => {
    const template = toNotifyTemplate({
      TemplateId: 't-1',
      Version: 1,
      TemplateType: 'OTP_VERIFICATION',
      Channels: ['MMS', 'VOICE', 'RCS'],
      CreatedTimestamp: undefined,
    });

    expect(template.channels).toEqual(['VOICE']);
  });

  it('defaults a variable without Type or Required to an optional string', () => {
    const template = toNotifyTemplate({
      TemplateId: 't-1',
      Version: 1,
      TemplateType: 'OTP_VERIFICATION',
      Channels: ['SMS'],
      Variables: { code: { Type: undefined, Required: undefined } },
      CreatedTimestamp: undefined,
    });

    expect(template.variables.code).toEqual({ type: 'STRING', required: false, source: 'CUSTOMER' });
  });
});

describe(toNotifyConfiguration.name, () => {
  it('maps every member the service uses', () => {
    const info: NotifyConfigurationInformation = {
      NotifyConfigurationArn: 'arn:aws:sms-voice:us-east-1:123456789012:notify-configuration/nc-1',
      NotifyConfigurationId: 'nc-1',
      DisplayName: 'Acme',
      UseCase: 'CODE_VERIFICATION',
      DefaultTemplateId: 'notify-code-verification-english-001',
      PoolId: 'pool-1',
      EnabledCountries: ['US', 'CA'],
      EnabledChannels: ['SMS', 'VOICE', 'MMS'],
      Tier: 'BASIC',
      TierUpgradeStatus: undefined,
      Status: 'ACTIVE',
      DeletionProtectionEnabled: false,
      CreatedTimestamp: new Date(0),
    };

    expect(toNotifyConfiguration(info)).toEqual({
      id: 'nc-1',
      arn: 'arn:aws:sms-voice:us-east-1:123456789012:notify-configuration/nc-1',
      displayName: 'Acme',
      status: 'ACTIVE',
      tier: 'BASIC',
      enabledChannels: ['SMS', 'VOICE'],
      enabledCountries: ['US', 'CA'],
      defaultTemplateId: 'notify-code-verification-english-001',
      useCase: 'CODE_VERIFICATION',
    });
  });

  it('fills absent channels and status, and leaves EnabledCountries absent when AWS omits it (optional in the model)', () => {
    const configuration = toNotifyConfiguration({
      NotifyConfigurationArn: undefined,
      NotifyConfigurationId: 'nc-2',
      DisplayName: undefined,
      UseCase: undefined,
      EnabledChannels: undefined,
      Tier: undefined,
      TierUpgradeStatus: undefined,
      Status: undefined,
      DeletionProtectionEnabled: undefined,
      CreatedTimestamp: undefined,
    });

    expect(configuration).toEqual({
      id: 'nc-2',
      status: 'UNKNOWN',
      enabledChannels: [],
    });
  });
});
