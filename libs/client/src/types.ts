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
 * `GET /v1/templates`, which is being added to the service: until the generated document has the route, this is the
 * shape it is being given; once `npm run client:generate` sees it, `TemplatesResult` is the generated type.
 */
interface ExpectedTemplates {
  configurationId: string;
  defaultTemplateId: string | null;
  templates: {
    id: string;
    default: boolean;
    channels: ('sms' | 'voice')[];
    languageCode: string | null;
    voiceIds: string[];
    variables: {
      name: string;
      type: string;
      required: boolean;
      source: string;
      maxLength: number | null;
      pattern: string | null;
      sample: string | null;
    }[];
  }[];
}

/** The path item of `P`, or undefined while the document lacks it (not `never`, which would swallow the fallback). */
type Route<T, P extends string> = T extends { [K in P]: infer Item } ? Item : undefined;
type JsonOk<Operation> = Operation extends {
  get: { responses: { 200: { content: { 'application/json': infer Body } } } };
}
  ? Body
  : ExpectedTemplates;

export type TemplatesResult = JsonOk<Route<paths, '/v1/templates'>>;
export type TemplateDescription = TemplatesResult['templates'][number];
