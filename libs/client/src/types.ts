import type { components, paths } from './generated/openapi';

type Schemas = components['schemas'];

export type Verification = Schemas['VerificationResponse'];
export type SendAttempt = Schemas['SendAttemptResponse'];
export type VerificationStatus = Verification['status'];
export type StartParams = Schemas['StartVerificationDto'];
export type DryRunResult = Schemas['DryRunResponse'];
export type ResendParams = Schemas['ResendVerificationDto'];
export type CheckResult = Schemas['CheckResponse'];
export type CheckByNumberParams = Schemas['CheckCodeForNumberDto'];
export type CheckByNumberResult = Schemas['CheckByNumberResponse'];

/**
 * `GET /v1/templates` as it is being added to the service. While the generated document lacks the route, this is
 * its expected shape; once `npm run client:generate` sees it, `TemplatesResult` becomes the generated type.
 */
export interface TemplateDescription {
  templateId: string;
  channels: ('sms' | 'voice')[];
  languageCode?: string;
  languageCodes?: string[];
  variables: unknown[];
  voices?: string[];
  [property: string]: unknown;
}

type Route<P extends string> = P extends keyof paths ? paths[P] : never;
type JsonOk<Operation> = Operation extends {
  get: { responses: { 200: { content: { 'application/json': infer Body } } } };
}
  ? Body
  : { templates: TemplateDescription[] };

export type TemplatesResult = JsonOk<Route<'/v1/templates'>>;
