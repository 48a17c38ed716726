import {
  CONFIGURATION_SPEC_DEFAULTS,
  DEFAULT_CONFIGURATIONS,
  DEFAULT_TEMPLATES,
  ENGLISH_TEMPLATE_ID,
} from './defaults';
import { notFound } from './errors';
import type { ConfigurationSpec, EmulatedConfiguration, EmulatedTemplate, TemplateSpec } from './types';

export interface CatalogOptions {
  configurations?: ConfigurationSpec[];
  templates?: TemplateSpec[];
  includeDefaults?: boolean;
  region: string;
  accountId: string;
}

/** The account's notify configurations and the AWS-managed templates; read-only once built. */
export class NotifyCatalog {
  private readonly configurations = new Map<string, EmulatedConfiguration>();
  private readonly templates = new Map<string, EmulatedTemplate>();

  constructor(private readonly options: CatalogOptions) {
    const includeDefaults = options.includeDefaults ?? true;
    if (includeDefaults) {
      for (const template of DEFAULT_TEMPLATES) this.templates.set(template.id, structuredClone(template));
      for (const config of DEFAULT_CONFIGURATIONS)
        this.configurations.set(config.id, structuredClone(config));
    }
    const templateBase = structuredClone(DEFAULT_TEMPLATES.find((t) => t.id === ENGLISH_TEMPLATE_ID)!);
    for (const spec of options.templates ?? []) {
      this.templates.set(spec.id, { ...structuredClone(templateBase), ...structuredClone(spec) });
    }
    for (const spec of options.configurations ?? []) {
      this.configurations.set(spec.id, {
        ...structuredClone(CONFIGURATION_SPEC_DEFAULTS),
        ...structuredClone(spec),
      });
    }
    this.checkConsistency();
  }

  /** A mistake in options should fail at construction, not as a puzzling error in the middle of a test. */
  private checkConsistency(): void {
    for (const config of this.configurations.values()) {
      if (config.displayName.length < 1 || config.displayName.length > 15) {
        throw new Error(`Configuration ${config.id}: DisplayName must have 1-15 characters`);
      }
      if (config.defaultTemplateId !== undefined && !this.templates.has(config.defaultTemplateId)) {
        throw new Error(
          `Configuration ${config.id}: default template ${config.defaultTemplateId} does not exist`,
        );
      }
    }
    for (const template of this.templates.values()) {
      for (const [name, variable] of Object.entries(template.variables)) {
        if (variable.pattern === undefined) continue;
        try {
          new RegExp(variable.pattern);
        } catch {
          throw new Error(`Template ${template.id}: variable ${name} has an invalid pattern`);
        }
      }
    }
  }

  arnOf(configuration: EmulatedConfiguration): string {
    const { region, accountId } = this.options;
    return `arn:aws:sms-voice:${region}:${accountId}:notify-configuration/${configuration.id}`;
  }

  /** Accepts an id or the full ARN, as the real API does. */
  configuration(idOrArn: string): EmulatedConfiguration {
    const byId = this.configurations.get(idOrArn);
    if (byId) return byId;
    const byArn = [...this.configurations.values()].find((c) => this.arnOf(c) === idOrArn);
    if (byArn) return byArn;
    throw notFound('notify-configuration', idOrArn);
  }

  template(id: string): EmulatedTemplate {
    const template = this.templates.get(id);
    if (!template) throw notFound('notify-template', id);
    return template;
  }

  allConfigurations(): EmulatedConfiguration[] {
    return [...this.configurations.values()];
  }

  allTemplates(): EmulatedTemplate[] {
    return [...this.templates.values()];
  }
}
