import type {
  NotifyConfigurationInformation,
  NotifyTemplateInformation,
  TemplateVariableMetadata,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { EmulatedConfiguration, EmulatedTemplate, TemplateVariable } from './types';

/** An SDK shape as awsJson1_0 carries it: timestamps travel as epoch seconds. */
export type Wire<T> = T extends Date
  ? number
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

export function configurationToWire(
  configuration: EmulatedConfiguration,
  arn: string,
): Wire<NotifyConfigurationInformation> {
  return {
    NotifyConfigurationArn: arn,
    NotifyConfigurationId: configuration.id,
    DisplayName: configuration.displayName,
    UseCase: 'CODE_VERIFICATION',
    DefaultTemplateId: configuration.defaultTemplateId,
    PoolId: configuration.poolId,
    EnabledCountries: configuration.enabledCountries,
    EnabledChannels: configuration.enabledChannels,
    Tier: configuration.tier,
    TierUpgradeStatus: configuration.tier,
    Status: configuration.status,
    RejectionReason: configuration.rejectionReason,
    DeletionProtectionEnabled: false,
    CreatedTimestamp: epochSeconds(configuration.createdAt),
  };
}

export function templateToWire(template: EmulatedTemplate): Wire<NotifyTemplateInformation> {
  return {
    TemplateId: template.id,
    Version: template.version,
    TemplateType: template.templateType,
    Channels: template.channels,
    TierAccess: template.tierAccess,
    Status: template.status,
    SupportedCountries: template.supportedCountries,
    LanguageCode: template.languageCode,
    Content: template.content,
    Variables: Object.fromEntries(
      Object.entries(template.variables).map(([name, variable]) => [name, variableToWire(variable)]),
    ),
    SupportedVoiceIds: template.supportedVoiceIds,
    CreatedTimestamp: epochSeconds(template.createdAt),
  };
}

function variableToWire(variable: TemplateVariable): TemplateVariableMetadata {
  return {
    Type: variable.type,
    Required: variable.required,
    Description: variable.description,
    MaxLength: variable.maxLength,
    MinValue: variable.minValue,
    MaxValue: variable.maxValue,
    DefaultValue: variable.defaultValue,
    Pattern: variable.pattern,
    Sample: variable.sample,
    Source: variable.source,
  };
}
