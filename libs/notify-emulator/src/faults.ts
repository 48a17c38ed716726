import { isSupportedOperation, SUPPORTED_OPERATIONS } from './operations';
import type { EmulatorFault } from './types';

interface ArmedFault extends EmulatorFault {
  remaining: number;
}

/** Faults wait in the order they were injected; a call consumes at most one, the first that matches it. */
export class FaultQueue {
  private faults: ArmedFault[] = [];

  add(fault: EmulatorFault): void {
    this.faults.push({ ...checkFault(fault), remaining: fault.times ?? 1 });
  }

  take(operation: string): EmulatorFault | undefined {
    const index = this.faults.findIndex((f) => f.operation === undefined || f.operation === operation);
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  /** Faults not yet consumed: a test sees that a call reached the emulator when its fault is taken. */
  get size(): number {
    return this.faults.length;
  }
}

/**
 * Rejects a fault that could never fire or would do nothing, so a typo in a test fails loudly instead of
 * leaving the test green for the wrong reason. Also used on faults posted to the admin endpoint.
 */
export function checkFault(input: unknown): EmulatorFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('A fault must be an object');
  }
  const fault = input as Record<string, unknown>;
  const known = [
    'operation',
    'exception',
    'reason',
    'resourceType',
    'resourceId',
    'message',
    'statusCode',
    'delayMs',
    'dropConnection',
    'times',
  ];
  const unknownKeys = Object.keys(fault).filter((key) => !known.includes(key));
  if (unknownKeys.length > 0) throw new TypeError(`Unknown fault properties: ${unknownKeys.join(', ')}`);

  const optional = (key: string, type: 'string' | 'number' | 'boolean') => {
    if (fault[key] !== undefined && typeof fault[key] !== type)
      throw new TypeError(`Fault ${key} must be a ${type}`);
  };
  optional('operation', 'string');
  optional('exception', 'string');
  optional('reason', 'string');
  optional('resourceType', 'string');
  optional('resourceId', 'string');
  optional('message', 'string');
  optional('statusCode', 'number');
  optional('delayMs', 'number');
  optional('dropConnection', 'boolean');
  optional('times', 'number');

  const { operation, exception, statusCode, delayMs, dropConnection, times } = fault as EmulatorFault;
  if (operation !== undefined && !isSupportedOperation(operation)) {
    throw new TypeError(`Fault operation must be one of ${SUPPORTED_OPERATIONS.join(', ')}`);
  }
  if (exception !== undefined && !/^[A-Za-z][A-Za-z0-9]*$/.test(exception)) {
    throw new TypeError('Fault exception must be an exception name such as ThrottlingException');
  }
  if (statusCode !== undefined && (!Number.isInteger(statusCode) || statusCode < 400 || statusCode > 599)) {
    throw new TypeError('Fault statusCode must be an HTTP error status (400-599)');
  }
  if (delayMs !== undefined && (!Number.isFinite(delayMs) || delayMs < 0)) {
    throw new TypeError('Fault delayMs must be a non-negative number');
  }
  if (times !== undefined && (!Number.isInteger(times) || times < 1)) {
    throw new TypeError('Fault times must be a positive integer');
  }
  if (exception === undefined && !dropConnection && delayMs === undefined) {
    throw new TypeError('A fault needs an exception, delayMs or dropConnection');
  }
  if (exception !== undefined && dropConnection) {
    throw new TypeError('A fault cannot both answer with an exception and drop the connection');
  }
  return fault as EmulatorFault;
}
