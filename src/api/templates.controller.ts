import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotifyTemplate } from '@app/notify';
import { NotifyCatalog } from '../dispatch/notify-catalog';
import { ApiKeyGuard } from './api-key.guard';
import { API_KEY_AUTH, ApiProblems } from './openapi';
import { TemplatesResponse } from './responses';

const CHANNELS = { SMS: 'sms', VOICE: 'voice' } as const;

/** What a template offers a caller, in the API's own words (channels `sms`/`voice`, variables as a list). */
function templateView(template: NotifyTemplate, defaultTemplateId: string | undefined) {
  return {
    id: template.id,
    default: template.id === defaultTemplateId,
    channels: template.channels.map((c) => CHANNELS[c]),
    languageCode: template.languageCode ?? null,
    voiceIds: template.supportedVoiceIds,
    variables: Object.entries(template.variables).map(([name, v]) => ({
      name,
      type: v.type,
      required: v.required,
      source: v.source,
      maxLength: v.maxLength ?? null,
      pattern: v.pattern ?? null,
      sample: v.sample ?? null,
    })),
  };
}

/** The Notify configuration's templates, as `DescribeNotifyTemplates` describes them; the console's template list. */
@ApiTags('templates')
@ApiBearerAuth(API_KEY_AUTH)
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class TemplatesController {
  constructor(private readonly catalog: NotifyCatalog) {}

  @Get('templates')
  @ApiOperation({
    summary: 'The templates a verification can use, with their channels, variables, language and voices',
    description:
      "From Notify's `DescribeNotifyTemplates`: the active templates open to the configuration's tier, on the " +
      'channels it has enabled. Pass an `id` as `templateId` when starting a verification.',
  })
  @ApiOkResponse({ type: TemplatesResponse })
  @ApiProblems({
    401: ['unauthorized'],
    503: [
      'notify_unavailable',
      'notify_configuration_not_found',
      'notify_configuration_inactive',
      'notify_access_denied',
    ],
  })
  async list() {
    const configuration = await this.catalog.describeConfigurationOrFail();
    // Channels narrowed to those the configuration has enabled; a template left with none is not offered.
    const templates = (await this.catalog.listTemplates())
      .map((t) => ({ ...t, channels: t.channels.filter((c) => configuration.enabledChannels.includes(c)) }))
      .filter((t) => t.channels.length > 0);
    return {
      configurationId: configuration.id,
      defaultTemplateId: configuration.defaultTemplateId ?? null,
      templates: templates.map((t) => templateView(t, configuration.defaultTemplateId)),
    };
  }
}
