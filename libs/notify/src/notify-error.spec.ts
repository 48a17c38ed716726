import {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  PinpointSMSVoiceV2ServiceException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { NotifyError, redactNotifyError, toNotifyError } from './notify-error';

const OP = 'SendNotifyTextMessage';

/** What Node raises for a socket error: an Error with errno fields, then tagged by the SDK with $metadata. */
function nodeError(message: string, code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), {
    errno: -1,
    code,
    syscall: 'connect',
    $metadata: { attempts: 3, totalRetryDelay: 250 },
    ...extra,
  });
}

describe(toNotifyError.name, () => {
  describe('modeled AWS exceptions', () => {
    it('maps ValidationException with its Reason and Fields', () => {
      const error = toNotifyError(
        OP,
        new ValidationException({
          $metadata: { requestId: 'req-1', httpStatusCode: 400, attempts: 1 },
          message: 'Country not enabled',
          Reason: 'COUNTRY_NOT_ENABLED' as ValidationException['Reason'],
          Fields: [{ Name: 'DestinationPhoneNumber', Message: 'country DE is not enabled' }],
        }),
      );

      expect(error).toBeInstanceOf(NotifyError);
      expect(error).toMatchObject({
        kind: 'validation',
        retryable: false,
        operation: OP,
        message: 'SendNotifyTextMessage: Country not enabled',
        reason: 'COUNTRY_NOT_ENABLED',
        fields: [{ name: 'DestinationPhoneNumber', message: 'country DE is not enabled' }],
        requestId: 'req-1',
        httpStatusCode: 400,
        attempts: 1,
      });
      expect(error.code).toBeUndefined();
    });

    it('maps ResourceNotFoundException with the resource it names', () => {
      const error = toNotifyError(
        'DescribeNotifyTemplates',
        new ResourceNotFoundException({
          $metadata: {},
          message: 'Template not found',
          ResourceType: 'notify-template',
          ResourceId: 'notify-code-verification-klingon-001',
        }),
      );

      expect(error).toMatchObject({
        kind: 'not_found',
        retryable: false,
        operation: 'DescribeNotifyTemplates',
        resourceType: 'notify-template',
        resourceId: 'notify-code-verification-klingon-001',
      });
    });

    it('maps ServiceQuotaExceededException with its Reason', () => {
      const error = toNotifyError(
        OP,
        new ServiceQuotaExceededException({
          $metadata: {},
          message: 'Daily limit reached',
          Reason: 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT',
        }),
      );

      expect(error).toMatchObject({
        kind: 'quota_exceeded',
        retryable: false,
        reason: 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT',
      });
    });

    it('maps ConflictException with its Reason and resource', () => {
      const error = toNotifyError(
        OP,
        new ConflictException({
          $metadata: {},
          message: 'Configuration is not active',
          Reason: 'RESOURCE_NOT_ACTIVE',
          ResourceType: 'notify-configuration',
          ResourceId: 'nc-123',
        }),
      );

      expect(error).toMatchObject({
        kind: 'conflict',
        retryable: false,
        reason: 'RESOURCE_NOT_ACTIVE',
        resourceType: 'notify-configuration',
        resourceId: 'nc-123',
      });
    });

    it('maps ThrottlingException as retryable', () => {
      const error = toNotifyError(
        OP,
        new ThrottlingException({ $metadata: { attempts: 3 }, message: 'Slow down' }),
      );

      expect(error).toMatchObject({ kind: 'throttled', retryable: true, attempts: 3 });
    });

    it('maps AccessDeniedException with its Reason', () => {
      const error = toNotifyError(
        OP,
        new AccessDeniedException({ $metadata: {}, message: 'Denied', Reason: 'ACCOUNT_DISABLED' }),
      );

      expect(error).toMatchObject({ kind: 'access_denied', retryable: false, reason: 'ACCOUNT_DISABLED' });
    });

    it('maps InternalServerException as retryable and takes its RequestId when $metadata has none', () => {
      const error = toNotifyError(
        OP,
        new InternalServerException({ $metadata: {}, message: 'Oops', RequestId: 'aws-req-9' }),
      );

      expect(error).toMatchObject({ kind: 'internal', retryable: true, requestId: 'aws-req-9' });
    });

    it('prefers $metadata.requestId over the exception RequestId', () => {
      const error = toNotifyError(
        OP,
        new InternalServerException({
          $metadata: { requestId: 'meta-req' },
          message: 'Oops',
          RequestId: 'body-req',
        }),
      );

      expect(error.requestId).toBe('meta-req');
    });

    it('maps by name an exception the SDK deserialized only as its service base class', () => {
      const error = toNotifyError(
        OP,
        new PinpointSMSVoiceV2ServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: {},
          message: 'Rate exceeded',
        }),
      );

      expect(error).toMatchObject({ kind: 'throttled', retryable: true, message: `${OP}: Rate exceeded` });
    });

    it('maps an unmodeled AWS error to unknown', () => {
      const error = toNotifyError(
        OP,
        new PinpointSMSVoiceV2ServiceException({
          name: 'UnrecognizedClientException',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'The security token included in the request is invalid.',
        }),
      );

      expect(error).toMatchObject({ kind: 'unknown', retryable: false, httpStatusCode: 403 });
    });

    it('uses the Message member when an exception carries it', () => {
      const error = toNotifyError(
        OP,
        Object.assign(new Error(''), { name: 'ConflictException', Message: 'Busy' }),
      );

      expect(error.message).toBe(`${OP}: Busy`);
    });
  });

  describe('timeouts', () => {
    it('maps the request timeout of @smithy/node-http-handler', () => {
      const raised = Object.assign(
        new Error(
          '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 5000 ms requestTimeout.',
        ),
        { name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: { attempts: 3, totalRetryDelay: 300 } },
      );

      expect(toNotifyError(OP, raised)).toMatchObject({
        kind: 'timeout',
        retryable: true,
        code: 'ETIMEDOUT',
        attempts: 3,
      });
    });

    it('maps the connection timeout, which has no code', () => {
      const raised = Object.assign(
        new Error('@smithy/node-http-handler - the request socket did not establish a connection'),
        { name: 'TimeoutError' },
      );

      expect(toNotifyError(OP, raised)).toMatchObject({ kind: 'timeout', retryable: true });
    });

    it('maps a RequestTimeout error name', () => {
      const raised = Object.assign(new Error('Request timed out'), { name: 'RequestTimeout' });

      expect(toNotifyError(OP, raised).kind).toBe('timeout');
    });

    it('maps a bare ETIMEDOUT from Node', () => {
      expect(toNotifyError(OP, nodeError('connect ETIMEDOUT 10.0.0.1:443', 'ETIMEDOUT')).kind).toBe(
        'timeout',
      );
    });
  });

  describe('network errors', () => {
    it('maps a refused connection', () => {
      const error = toNotifyError(OP, nodeError('connect ECONNREFUSED 127.0.0.1:4566', 'ECONNREFUSED'));

      expect(error).toMatchObject({
        kind: 'network',
        retryable: true,
        code: 'ECONNREFUSED',
        message: `${OP}: connect ECONNREFUSED 127.0.0.1:4566`,
        attempts: 3,
      });
    });

    it('maps a reset socket even though the HTTP handler renames it to TimeoutError', () => {
      const raised = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: 'TimeoutError' });

      expect(toNotifyError(OP, raised)).toMatchObject({
        kind: 'network',
        retryable: true,
        code: 'ECONNRESET',
      });
    });

    it('maps a broken pipe', () => {
      const raised = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', name: 'TimeoutError' });

      expect(toNotifyError(OP, raised).kind).toBe('network');
    });

    it('maps a socket hang up that carries no code, with the code Node gives every hang up', () => {
      expect(toNotifyError(OP, new Error('socket hang up'))).toMatchObject({
        kind: 'network',
        code: 'ECONNRESET',
      });
    });

    it('maps the AggregateError of a failed dual-stack connect by its inner codes', () => {
      const raised = new AggregateError(
        [
          nodeError('connect ECONNREFUSED ::1:4566', 'ECONNREFUSED'),
          nodeError('connect ECONNREFUSED 127.0.0.1:4566', 'ECONNREFUSED'),
        ],
        '',
      );

      expect(toNotifyError(OP, raised)).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
    });

    it('maps a Node error that the SDK rewrapped as text inside a VM sandbox such as Jest', () => {
      const raised = Object.assign(
        new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:4566'),
        {
          $metadata: { attempts: 1, totalRetryDelay: 0 },
        },
      );

      expect(toNotifyError(OP, raised)).toMatchObject({
        kind: 'network',
        retryable: true,
        code: 'ECONNREFUSED',
      });
    });

    it('maps a rewrapped reset, whose text names TimeoutError, as network', () => {
      const raised = new Error('AWS SDK error wrapper for TimeoutError: socket hang up');

      expect(toNotifyError(OP, raised)).toMatchObject({ kind: 'network', code: 'ECONNRESET' });
    });

    it('maps a DNS failure', () => {
      expect(toNotifyError(OP, nodeError('getaddrinfo ENOTFOUND nowhere', 'ENOTFOUND')).kind).toBe('network');
    });
  });

  describe('anything else', () => {
    it('maps an arbitrary Error to unknown, keeping its text', () => {
      const error = toNotifyError(OP, new TypeError('Cannot read properties of undefined'));

      expect(error).toMatchObject({
        kind: 'unknown',
        retryable: false,
        message: `${OP}: Cannot read properties of undefined`,
      });
    });

    it('does not mistake a name from Object.prototype for a modeled exception', () => {
      expect(toNotifyError(OP, Object.assign(new Error('odd'), { name: 'toString' })).kind).toBe('unknown');
    });

    it('does not copy a thrown non-Error value into the message', () => {
      const error = toNotifyError(OP, 'code 482913 rejected');

      expect(error.kind).toBe('unknown');
      expect(error.message).toBe(`${OP} failed`);
    });

    it('names the error when it has no text', () => {
      expect(toNotifyError(OP, Object.assign(new Error(''), { name: 'AbortError' })).message).toBe(
        `${OP} failed (AbortError)`,
      );
    });

    it('returns a NotifyError unchanged', () => {
      const original = new NotifyError({ kind: 'conflict', operation: 'X', message: 'X: busy' });

      expect(toNotifyError(OP, original)).toBe(original);
    });

    it('never attaches the SDK error as cause', () => {
      const error = toNotifyError(OP, new ValidationException({ $metadata: {}, message: 'x' }));

      expect(error.cause).toBeUndefined();
      expect(error.name).toBe('NotifyError');
    });
  });
});

describe(redactNotifyError.name, () => {
  const quoted = new NotifyError({
    kind: 'validation',
    operation: OP,
    message: `${OP}: Variable code value 482913 for +12065550100 does not match pattern`,
    fields: [{ name: 'TemplateVariables.code', message: 'value 482913 is too long' }],
    resourceId: '482913',
    reason: 'INVALID_PARAMETER',
    requestId: 'req-1',
  });

  it('replaces every secret in the message, the fields and the resource id', () => {
    const redacted = redactNotifyError(quoted, ['482913', '+12065550100']);

    expect(redacted.message).toBe(
      `${OP}: Variable code value [redacted] for [redacted] does not match pattern`,
    );
    expect(redacted.fields).toEqual([
      { name: 'TemplateVariables.code', message: 'value [redacted] is too long' },
    ]);
    expect(redacted.resourceId).toBe('[redacted]');
    expect(redacted).toMatchObject({ kind: 'validation', reason: 'INVALID_PARAMETER', requestId: 'req-1' });
  });

  it('leaves values too short to be a code alone', () => {
    const error = new NotifyError({ kind: 'validation', operation: OP, message: `${OP}: ttl 10 minutes` });

    expect(redactNotifyError(error, ['10']).message).toBe(`${OP}: ttl 10 minutes`);
  });

  it('replaces the longer secret first when one contains another', () => {
    const error = new NotifyError({ kind: 'validation', operation: OP, message: `${OP}: 12345678 bad` });

    expect(redactNotifyError(error, ['1234', '12345678']).message).toBe(`${OP}: [redacted] bad`);
  });
});
