import type {
  NotifyConfigurationInformation,
  NotifyTemplateInformation,
  TemplateVariableMetadata,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { NotifyChannel, NotifyConfiguration, NotifyTemplate, TemplateVariable } from './notify.types';

// The SDK's channel enum also lists MMS and RCS, which Notify does not send.
function channelsOf(values: readonly string[] | undefined): NotifyChannel[] {
  return (values ?? []).filter((value): value is NotifyChannel => value === 'SMS' || value === 'VOICE');
}

function variableTypeOf(value: string | undefined): TemplateVariable['type'] {
  // AWS passes every value as a string, so an unknown future type is safest handled as one.
  return value === 'INTEGER' || value === 'BOOLEAN' ? value : 'STRING';
}

export function toTemplateVariable(metadata: TemplateVariableMetadata): TemplateVariable {
  return {
    type: variableTypeOf(metadata.Type),
    required: metadata.Required ?? false,
    maxLength: metadata.MaxLength,
    minValue: metadata.MinValue,
    maxValue: metadata.MaxValue,
    pattern: metadata.Pattern,
    defaultValue: metadata.DefaultValue,
    sample: metadata.Sample,
    // Source is optional on the wire; only an explicit SYSTEM marks a variable AWS fills in itself.
    source: metadata.Source === 'SYSTEM' ? 'SYSTEM' : 'CUSTOMER',
  };
}

export function toNotifyTemplate(info: NotifyTemplateInformation): NotifyTemplate {
  const variables: Record<string, TemplateVariable> = {};
  for (const [name, metadata] of Object.entries(info.Variables ?? {})) {
    variables[name] = toTemplateVariable(metadata);
  }
  return {
    id: info.TemplateId ?? '',
    version: info.Version,
    channels: channelsOf(info.Channels),
    status: info.Status ?? 'UNKNOWN',
    languageCode: info.LanguageCode,
    supportedCountries: info.SupportedCountries ?? [],
    tierAccess: info.TierAccess ?? [],
    content: info.Content,
    variables,
    supportedVoiceIds: info.SupportedVoiceIds ?? [],
  };
}

export function toNotifyConfiguration(info: NotifyConfigurationInformation): NotifyConfiguration {
  return {
    id: info.NotifyConfigurationId ?? '',
    arn: info.NotifyConfigurationArn,
    displayName: info.DisplayName,
    status: info.Status ?? 'UNKNOWN',
    tier: info.Tier,
    enabledChannels: channelsOf(info.EnabledChannels),
    ...(info.EnabledCountries !== undefined && { enabledCountries: info.EnabledCountries }),
    defaultTemplateId: info.DefaultTemplateId,
    useCase: info.UseCase,
  };
}
