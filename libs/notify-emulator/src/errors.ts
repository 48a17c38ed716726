import type {
  ConflictExceptionReason,
  ResourceType,
  ServiceQuotaExceededExceptionReason,
  ValidationExceptionField,
  ValidationExceptionReason,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { EmulatorFault } from './types';

const SERVICE_NAMESPACE = 'com.amazonaws.pinpointsmsvoicev2';
/** Exceptions raised by AWS's request framework before the service sees the call. */
const FRAMEWORK_NAMESPACE = 'com.amazon.coral.service';

const FRAMEWORK_EXCEPTIONS = new Set([
  'UnknownOperationException',
  'SerializationException',
  'RequestEntityTooLargeException',
]);

/**
 * The service model declares its exceptions with `@error("client")` or `@error("server")` and no `@httpError`,
 * so AWS answers them with the protocol defaults: 400 for client faults, 500 for server faults. The SDK picks the
 * exception class from `__type`, never from the status.
 */
const SERVER_FAULTS = new Set(['InternalServerException', 'ServiceUnavailableException']);

export function defaultStatusFor(exception: string): number {
  if (exception === 'RequestEntityTooLargeException') return 413;
  if (exception === 'ServiceUnavailableException') return 503;
  return SERVER_FAULTS.has(exception) ? 500 : 400;
}

/** An exception as it goes on the wire: its name, HTTP status and members (Message, Reason, Fields, ...). */
export class NotifyError extends Error {
  readonly statusCode: number;

  constructor(
    readonly exception: string,
    message: string,
    readonly members: Record<string, unknown> = {},
    statusCode?: number,
  ) {
    super(message);
    this.name = exception;
    this.statusCode = statusCode ?? defaultStatusFor(exception);
  }

  /** The JSON body; `__type` is namespaced as AWS sends it (the SDK keeps the part after '#'). */
  body(requestId: string): Record<string, unknown> {
    const namespace = FRAMEWORK_EXCEPTIONS.has(this.exception) ? FRAMEWORK_NAMESPACE : SERVICE_NAMESPACE;
    const body: Record<string, unknown> = { __type: `${namespace}#${this.exception}`, Message: this.message };
    for (const [key, value] of Object.entries(this.members)) {
      if (value !== undefined) body[key] = value;
    }
    if (this.exception === 'InternalServerException' && body.RequestId === undefined)
      body.RequestId = requestId;
    return body;
  }
}

export function validationError(
  reason: ValidationExceptionReason,
  message: string,
  fields: ValidationExceptionField[] = [],
): NotifyError {
  return new NotifyError('ValidationException', message, {
    Reason: reason,
    Fields: fields.length > 0 ? fields : undefined,
  });
}

/** AWS's wording for a request member that breaks a model constraint (length, pattern, range, enum). */
export function constraintError(member: string, constraint: string): NotifyError {
  const path = member.charAt(0).toLowerCase() + member.slice(1);
  return validationError(
    'FIELD_VALIDATION_FAILED',
    `1 validation error detected: Value at '${path}' failed to satisfy constraint: ${constraint}`,
    [{ Name: member, Message: constraint }],
  );
}

export function missingParameter(member: string): NotifyError {
  return validationError('MISSING_PARAMETER', `Missing required parameter: ${member}`, [
    { Name: member, Message: 'Member must not be null' },
  ]);
}

export function notFound(resourceType: ResourceType, resourceId: string): NotifyError {
  return new NotifyError('ResourceNotFoundException', `${resourceType} '${resourceId}' does not exist`, {
    ResourceType: resourceType,
    ResourceId: resourceId,
  });
}

export function conflict(
  reason: ConflictExceptionReason,
  message: string,
  resourceType: ResourceType,
  resourceId: string,
): NotifyError {
  return new NotifyError('ConflictException', message, {
    Reason: reason,
    ResourceType: resourceType,
    ResourceId: resourceId,
  });
}

export function quotaExceeded(
  reason: ServiceQuotaExceededExceptionReason | undefined,
  message: string,
): NotifyError {
  return new NotifyError('ServiceQuotaExceededException', message, { Reason: reason });
}

export function unknownOperation(target: string): NotifyError {
  return new NotifyError(
    'UnknownOperationException',
    `Operation not supported by the Notify emulator: ${target}`,
  );
}

export function serializationError(message: string): NotifyError {
  return new NotifyError('SerializationException', message);
}

const DEFAULT_FAULT_MESSAGES: Record<string, string> = {
  ThrottlingException: 'Rate exceeded',
  InternalServerException: 'Internal service error',
  AccessDeniedException: 'Access denied',
  ServiceQuotaExceededException: 'Service quota exceeded',
  ValidationException: 'Invalid request',
  ConflictException: 'Conflict',
  ResourceNotFoundException: 'Resource not found',
};

/**
 * Builds the exception an injected fault asks for; any name is allowed so unmodelled errors can be tried too.
 * ResourceNotFoundException and ConflictException carry ResourceType and ResourceId as AWS's always do: the fault's
 * own, else the resource the call names (its configuration, or the message of PutMessageFeedback).
 */
export function injectedError(
  fault: Pick<EmulatorFault, 'exception' | 'reason' | 'message' | 'statusCode' | 'resourceType' | 'resourceId'>,
  operation: string,
  request: Record<string, unknown>,
) {
  const exception = fault.exception ?? 'InternalServerException';
  const members: Record<string, unknown> = { Reason: fault.reason };
  if (exception === 'ResourceNotFoundException' || exception === 'ConflictException') {
    const feedback = operation === 'PutMessageFeedback';
    const named = feedback ? request.MessageId : request.NotifyConfigurationId;
    members.ResourceType = fault.resourceType ?? (feedback ? 'message' : 'notify-configuration');
    members.ResourceId = fault.resourceId ?? (typeof named === 'string' ? named : 'unknown');
  }
  return new NotifyError(
    exception,
    fault.message ?? DEFAULT_FAULT_MESSAGES[exception] ?? `Injected ${exception}`,
    members,
    fault.statusCode,
  );
}
