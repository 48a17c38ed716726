import type { ValidationExceptionField } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { validationError } from './errors';
import type { EmulatedConfiguration, EmulatedTemplate, TemplateVariable } from './types';

/**
 * Checks the caller's variables against the template and resolves its content. Every problem is listed in
 * Fields (named `TemplateVariables.<name>`); the Reason is MISSING_PARAMETER when each problem is a missing
 * variable, INVALID_PARAMETER otherwise.
 */
export function resolveTemplate(
  template: EmulatedTemplate,
  configuration: EmulatedConfiguration,
  sent: Record<string, string>,
): string {
  const missing: ValidationExceptionField[] = [];
  const invalid: ValidationExceptionField[] = [];
  const field = (name: string, message: string) => ({ Name: `TemplateVariables.${name}`, Message: message });

  for (const name of Object.keys(sent)) {
    const variable = template.variables[name];
    if (!variable) invalid.push(field(name, `Unknown variable for template ${template.id}`));
    else if (variable.source === 'SYSTEM')
      invalid.push(field(name, 'SYSTEM variables are filled by the service'));
  }

  const values: Record<string, string> = {};
  for (const [name, variable] of Object.entries(template.variables)) {
    if (variable.source === 'SYSTEM') {
      values[name] = systemValue(name, configuration);
      continue;
    }
    const value = sent[name] ?? variable.defaultValue;
    if (value === undefined) {
      if (variable.required) missing.push(field(name, 'Required variable is missing'));
      continue;
    }
    const problem = checkValue(variable, value);
    if (problem) invalid.push(field(name, problem));
    values[name] = value;
  }

  const problems = [...missing, ...invalid];
  if (problems.length > 0) {
    const reason = invalid.length === 0 ? 'MISSING_PARAMETER' : 'INVALID_PARAMETER';
    const names = problems.map((p) => p.Name).join(', ');
    throw validationError(reason, `Invalid template variables for ${template.id}: ${names}`, problems);
  }
  return template.content.replace(
    /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g,
    (_match, name: string) => values[name] ?? '',
  );
}

function systemValue(name: string, configuration: EmulatedConfiguration): string {
  // brandName is the only SYSTEM variable AWS documents for OTP templates; others resolve to nothing.
  return name === 'brandName' ? configuration.displayName : '';
}

/** Values always travel as strings; INTEGER and BOOLEAN are checked by their text. */
export function checkValue(variable: TemplateVariable, value: string): string | undefined {
  if (variable.maxLength !== undefined && value.length > variable.maxLength) {
    return `Must have at most ${variable.maxLength} characters`;
  }
  if (variable.type === 'INTEGER') {
    if (!/^-?[0-9]+$/.test(value)) return 'Must be an integer';
    const number = Number(value);
    if (variable.minValue !== undefined && number < variable.minValue)
      return `Must be at least ${variable.minValue}`;
    if (variable.maxValue !== undefined && number > variable.maxValue)
      return `Must be at most ${variable.maxValue}`;
  }
  if (variable.type === 'BOOLEAN' && value !== 'true' && value !== 'false')
    return "Must be 'true' or 'false'";
  if (variable.pattern !== undefined && !new RegExp(variable.pattern).test(value)) {
    return `Must match the pattern ${variable.pattern}`;
  }
  return undefined;
}
