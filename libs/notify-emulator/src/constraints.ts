import {
  MessageFeedbackStatus,
  NotifyConfigurationFilterName,
  NotifyTemplateFilterName,
  VoiceId,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { constraintError, missingParameter, serializationError } from './errors';

/**
 * The service model's constraints on each operation's request members, one table per operation, as AWS's API
 * reference and CLI reference pages list them. AWS checks them before the operation runs: a missing required member
 * is MISSING_PARAMETER, a broken constraint FIELD_VALIDATION_FAILED, and the first problem found is reported. The
 * model's patterns are matched against the whole value, as AWS does.
 */
export interface StringRule {
  min: number;
  max: number;
  pattern?: RegExp;
}

export type MemberRule =
  | ({ kind: 'string'; required?: boolean } & StringRule)
  | { kind: 'integer'; required?: boolean; min: number; max: number }
  | { kind: 'boolean'; required?: boolean }
  | { kind: 'enum'; required?: boolean; values: readonly string[] }
  | { kind: 'map'; required?: boolean; maxEntries: number; key: StringRule; value: StringRule }
  | { kind: 'list'; required?: boolean; minItems: number; maxItems: number; item: StringRule }
  | { kind: 'filters'; required?: boolean; names: readonly string[]; maxFilters: number; value: StringRule };

export type OperationRules = Readonly<Record<string, MemberRule>>;

/** `[A-Za-z0-9_:/-]+`: ids and ARNs of configurations and configuration sets, and message ids. */
export const ID_OR_ARN = /^[A-Za-z0-9_:/-]+$/;
/** `[A-Za-z0-9_-]*`: a template id; the empty string asks for the configuration's default template. */
export const TEMPLATE_ID = /^[A-Za-z0-9_-]*$/;
/** The model's phone pattern; Notify documents E.164 and the emulator also wants the '+' (see phone.ts). */
export const PHONE_NUMBER = /^\+?[1-9][0-9]{1,18}$/;
/** A Context value may not start or end with a blank: `(?!\s)^[\s\S]+(?<!\s)`. */
export const CONTEXT_VALUE = /^(?!\s)[\s\S]*\S$/;
/** A Describe filter value: `[/\.:A-Za-z0-9+_-]+`. */
export const FILTER_VALUE = /^[/.:A-Za-z0-9+_-]+$/;

const CONFIGURATION_ID = {
  kind: 'string',
  required: true,
  min: 1,
  max: 256,
  pattern: ID_OR_ARN,
} as const satisfies MemberRule;

/**
 * https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/send-notify-text-message.html and
 * https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_SendNotifyVoiceMessage.html
 */
export const SEND_NOTIFY_TEXT_MESSAGE_RULES = {
  NotifyConfigurationId: CONFIGURATION_ID,
  DestinationPhoneNumber: { kind: 'string', required: true, min: 1, max: 20, pattern: PHONE_NUMBER },
  TemplateId: { kind: 'string', min: 0, max: 256, pattern: TEMPLATE_ID },
  TemplateVariables: {
    kind: 'map',
    required: true,
    maxEntries: 20,
    key: { min: 1, max: 64, pattern: /^[A-Za-z0-9_]+$/ },
    value: { min: 1, max: 2048 },
  },
  TimeToLive: { kind: 'integer', min: 5, max: 259_200 },
  Context: {
    kind: 'map',
    maxEntries: 5,
    key: { min: 1, max: 100, pattern: /^\S+$/ },
    value: { min: 1, max: 800, pattern: CONTEXT_VALUE },
  },
  ConfigurationSetName: { kind: 'string', min: 1, max: 256, pattern: ID_OR_ARN },
  DryRun: { kind: 'boolean' },
  MessageFeedbackEnabled: { kind: 'boolean' },
} as const satisfies OperationRules;

/** https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/send-notify-voice-message.html */
export const SEND_NOTIFY_VOICE_MESSAGE_RULES = {
  ...SEND_NOTIFY_TEXT_MESSAGE_RULES,
  VoiceId: { kind: 'enum', values: Object.values(VoiceId) },
} as const satisfies OperationRules;

/** https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/put-message-feedback.html */
export const PUT_MESSAGE_FEEDBACK_RULES = {
  MessageId: { kind: 'string', required: true, min: 1, max: 64, pattern: ID_OR_ARN },
  MessageFeedbackStatus: { kind: 'enum', required: true, values: Object.values(MessageFeedbackStatus) },
} as const satisfies OperationRules;

const PAGING = {
  NextToken: { kind: 'string', min: 1, max: 1024 },
  MaxResults: { kind: 'integer', min: 1, max: 100 },
} as const satisfies OperationRules;

/** https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/describe-notify-templates.html */
export const DESCRIBE_NOTIFY_TEMPLATES_RULES = {
  TemplateIds: { kind: 'list', minItems: 1, maxItems: 10, item: { min: 0, max: 256, pattern: TEMPLATE_ID } },
  Filters: {
    kind: 'filters',
    names: Object.values(NotifyTemplateFilterName),
    maxFilters: 20,
    value: { min: 1, max: 128, pattern: FILTER_VALUE },
  },
  ...PAGING,
} as const satisfies OperationRules;

/**
 * https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/describe-notify-configurations.html and
 * https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_NotifyConfigurationFilter.html
 */
export const DESCRIBE_NOTIFY_CONFIGURATIONS_RULES = {
  NotifyConfigurationIds: {
    kind: 'list',
    minItems: 0,
    maxItems: 5,
    item: { min: 1, max: 256, pattern: ID_OR_ARN },
  },
  Filters: {
    kind: 'filters',
    names: Object.values(NotifyConfigurationFilterName),
    maxFilters: 20,
    value: { min: 1, max: 128, pattern: FILTER_VALUE },
  },
  ...PAGING,
} as const satisfies OperationRules;

export const OPERATION_RULES = {
  SendNotifyTextMessage: SEND_NOTIFY_TEXT_MESSAGE_RULES,
  SendNotifyVoiceMessage: SEND_NOTIFY_VOICE_MESSAGE_RULES,
  PutMessageFeedback: PUT_MESSAGE_FEEDBACK_RULES,
  DescribeNotifyTemplates: DESCRIBE_NOTIFY_TEMPLATES_RULES,
  DescribeNotifyConfigurations: DESCRIBE_NOTIFY_CONFIGURATIONS_RULES,
} as const;

export interface Filter<T extends string = string> {
  name: T;
  values: string[];
}

type ValueOf<R> = R extends { kind: 'string' }
  ? string
  : R extends { kind: 'integer' }
    ? number
    : R extends { kind: 'boolean' }
      ? boolean
      : R extends { kind: 'enum'; values: readonly (infer V)[] }
        ? V
        : R extends { kind: 'map' }
          ? Record<string, string>
          : R extends { kind: 'list' }
            ? string[]
            : R extends { kind: 'filters'; names: readonly (infer N extends string)[] }
              ? Filter<N>[]
              : never;

/** A request read against its table: required members are present, optional ones may be undefined. */
export type CheckedRequest<T extends OperationRules> = {
  [K in keyof T]: T[K] extends { required: true } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

/** Checks a parsed JSON request against an operation's table; members the table does not name are ignored. */
export function checkRequest<T extends OperationRules>(rules: T, input: unknown): CheckedRequest<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw serializationError('The request body must be a JSON object');
  }
  const body = input as Record<string, unknown>;
  const checked: Record<string, unknown> = {};
  for (const [member, rule] of Object.entries(rules)) {
    const raw = body[member];
    if (raw === undefined || raw === null) {
      if (rule.required) throw missingParameter(member);
      continue;
    }
    checked[member] = checkMember(member, rule, raw);
  }
  return checked as CheckedRequest<T>;
}

function checkMember(member: string, rule: MemberRule, value: unknown): unknown {
  switch (rule.kind) {
    case 'string':
      return checkString(member, value, rule);
    case 'boolean':
      if (typeof value !== 'boolean') throw constraintError(member, 'Member must be a boolean');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw constraintError(member, 'Member must be an integer');
      }
      if (value < rule.min) {
        throw constraintError(member, `Member must have value greater than or equal to ${rule.min}`);
      }
      if (value > rule.max) {
        throw constraintError(member, `Member must have value less than or equal to ${rule.max}`);
      }
      return value;
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) {
        throw constraintError(member, `Member must satisfy enum value set: [${rule.values.join(', ')}]`);
      }
      return value;
    case 'map':
      return checkMap(member, value, rule);
    case 'list':
      return checkList(member, value, rule.minItems, rule.maxItems).map((entry, index) =>
        checkString(`${member}.${index + 1}`, entry, rule.item),
      );
    case 'filters':
      return checkList(member, value, 0, rule.maxFilters).map((filter, index) =>
        checkFilter(`${member}.${index + 1}`, filter, rule),
      );
  }
}

function checkMap(
  member: string,
  value: unknown,
  rule: Extract<MemberRule, { kind: 'map' }>,
): Record<string, string> {
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    throw constraintError(member, 'Member must be a map of strings to strings');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > rule.maxEntries) {
    throw constraintError(member, `Member must have length less than or equal to ${rule.maxEntries}`);
  }
  const map: Record<string, string> = {};
  for (const [key, entry] of entries) {
    checkString(`${member}.key`, key, rule.key);
    map[key] = checkString(`${member}.${key}`, entry, rule.value);
  }
  return map;
}

function checkList(member: string, value: unknown, minItems: number, maxItems: number): unknown[] {
  if (!Array.isArray(value)) throw constraintError(member, 'Member must be a list');
  if (value.length < minItems) {
    throw constraintError(member, `Member must have length greater than or equal to ${minItems}`);
  }
  if (value.length > maxItems) {
    throw constraintError(member, `Member must have length less than or equal to ${maxItems}`);
  }
  return value;
}

function checkFilter(path: string, filter: unknown, rule: Extract<MemberRule, { kind: 'filters' }>): Filter {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw constraintError(path, 'Member must be a structure');
  }
  const { Name: name, Values: values } = filter as Record<string, unknown>;
  if (name === undefined || name === null) throw missingParameter(`${path}.Name`);
  if (typeof name !== 'string' || !rule.names.includes(name)) {
    throw constraintError(`${path}.Name`, `Member must satisfy enum value set: [${rule.names.join(', ')}]`);
  }
  if (values === undefined || values === null) throw missingParameter(`${path}.Values`);
  return {
    name,
    values: checkList(`${path}.Values`, values, 1, 20).map((v, i) =>
      checkString(`${path}.Values.${i + 1}`, v, rule.value),
    ),
  };
}

function checkString(member: string, value: unknown, { min, max, pattern }: StringRule): string {
  if (typeof value !== 'string') throw constraintError(member, 'Member must be a string');
  if (value.length < min) {
    throw constraintError(member, `Member must have length greater than or equal to ${min}`);
  }
  if (value.length > max) throw constraintError(member, `Member must have length less than or equal to ${max}`);
  if (pattern && !pattern.test(value)) {
    throw constraintError(member, `Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
}
