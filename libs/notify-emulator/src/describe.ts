import type {
  DescribeNotifyConfigurationsResult,
  DescribeNotifyTemplatesResult,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type {
  NotifyConfigurationFilterName,
  NotifyTemplateFilterName,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { NotifyCatalog } from './catalog';
import {
  checkRequest,
  DESCRIBE_NOTIFY_CONFIGURATIONS_RULES,
  DESCRIBE_NOTIFY_TEMPLATES_RULES,
} from './constraints';
import { validationError } from './errors';
import type { EmulatedConfiguration, EmulatedTemplate } from './types';
import { configurationToWire, templateToWire, type Wire } from './wire';

const MAX_RESULTS = 100;

/**
 * Ids select (an unknown one is ResourceNotFoundException, as in the service's other Describe operations),
 * filters narrow, pages follow.
 */
export function describeTemplates(
  catalog: NotifyCatalog,
  input: unknown,
): Wire<DescribeNotifyTemplatesResult> {
  const request = checkRequest(DESCRIBE_NOTIFY_TEMPLATES_RULES, input);
  const ids = request.TemplateIds;
  const filters = request.Filters ?? [];
  const page = readPaging(request, 'templates');
  const selected = ids ? unique(ids).map((id) => catalog.template(id)) : catalog.allTemplates();
  const matching = selected.filter((template) =>
    filters.every(({ name, values }) => overlaps(templateAttribute(template, name), values)),
  );
  const { items, nextToken } = paginate(matching, page);
  return { NotifyTemplates: items.map(templateToWire), NextToken: nextToken };
}

export function describeConfigurations(
  catalog: NotifyCatalog,
  input: unknown,
): Wire<DescribeNotifyConfigurationsResult> {
  const request = checkRequest(DESCRIBE_NOTIFY_CONFIGURATIONS_RULES, input);
  const ids = request.NotifyConfigurationIds;
  const filters = request.Filters ?? [];
  const page = readPaging(request, 'configurations');
  const selected = ids?.length ? unique(ids).map((id) => catalog.configuration(id)) : catalog.allConfigurations();
  const matching = selected.filter((configuration) =>
    filters.every(({ name, values }) => overlaps(configurationAttribute(configuration, name), values)),
  );
  const { items, nextToken } = paginate(matching, page);
  return {
    NotifyConfigurations: items.map((c) => configurationToWire(c, catalog.arnOf(c))),
    NextToken: nextToken,
  };
}

function templateAttribute(template: EmulatedTemplate, filter: NotifyTemplateFilterName): string[] {
  switch (filter) {
    case 'channels':
      return template.channels;
    case 'language-code':
      return [template.languageCode];
    case 'supported-countries':
      return template.supportedCountries;
    case 'supported-voice-ids':
      return template.supportedVoiceIds;
    case 'template-type':
      return [template.templateType];
    case 'tier-access':
      return template.tierAccess;
  }
}

function configurationAttribute(
  configuration: EmulatedConfiguration,
  filter: NotifyConfigurationFilterName,
): string[] {
  const optional = (value: string | undefined) => (value === undefined ? [] : [value]);
  switch (filter) {
    case 'default-pool':
      return optional(configuration.poolId);
    case 'default-template':
      return optional(configuration.defaultTemplateId);
    case 'deletion-protection-enabled':
      return ['false'];
    case 'display-name':
      return [configuration.displayName];
    case 'enabled-channels':
      return configuration.enabledChannels;
    case 'enabled-countries':
      return configuration.enabledCountries ?? [];
    case 'status':
      return [configuration.status];
    case 'tier-upgrade-status':
      return [configuration.tier];
    case 'use-case':
      return ['CODE_VERIFICATION'];
  }
}

/** A filter matches when the resource has any of its values. */
function overlaps(attribute: readonly string[], values: readonly string[]): boolean {
  return values.some((value) => attribute.includes(value));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

interface Page {
  offset: number;
  size: number;
  kind: string;
}

/** NextToken is opaque to callers; here it carries the listing it belongs to and the offset to resume at. */
function readPaging(request: { MaxResults?: number; NextToken?: string }, kind: string): Page {
  const size = request.MaxResults ?? MAX_RESULTS;
  const token = request.NextToken;
  if (token === undefined) return { offset: 0, size, kind };
  const match = /^([a-z]+):([0-9]{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match || match[1] !== kind) {
    throw validationError('INVALID_NEXT_TOKEN', 'The NextToken is not valid', [
      { Name: 'NextToken', Message: 'Use a NextToken returned by the same operation' },
    ]);
  }
  return { offset: Number(match[2]), size, kind };
}

function paginate<T>(all: T[], page: Page): { items: T[]; nextToken?: string } {
  const end = page.offset + page.size;
  const items = all.slice(page.offset, end);
  const nextToken = end < all.length ? Buffer.from(`${page.kind}:${end}`).toString('base64url') : undefined;
  return { items, nextToken };
}
