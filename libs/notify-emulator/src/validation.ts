import { constraintError, missingParameter, serializationError } from './errors';

interface StringConstraints {
  min?: number;
  max?: number;
  pattern?: RegExp;
}

/** The model's pattern for ids and ARNs (configurations, templates, configuration sets). */
export const ID_OR_ARN = /^[A-Za-z0-9_:/-]+$/;

/**
 * Reads request members against the service model's constraints, the way AWS's request validation does before
 * the operation runs: a missing required member is MISSING_PARAMETER, a broken constraint FIELD_VALIDATION_FAILED.
 * The first problem found is reported.
 */
export class RequestReader {
  private readonly input: Record<string, unknown>;

  constructor(input: unknown) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw serializationError('The request body must be a JSON object');
    }
    this.input = input as Record<string, unknown>;
  }

  private value(member: string): unknown {
    const value = this.input[member];
    return value === null ? undefined : value;
  }

  requiredString(member: string, constraints: StringConstraints = {}): string {
    const value = this.optionalString(member, constraints);
    if (value === undefined) throw missingParameter(member);
    return value;
  }

  optionalString(member: string, { min = 1, max, pattern }: StringConstraints = {}): string | undefined {
    const value = this.value(member);
    if (value === undefined) return undefined;
    return checkString(member, value, { min, max, pattern });
  }

  optionalBoolean(member: string): boolean | undefined {
    const value = this.value(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw constraintError(member, 'Member must be a boolean');
    return value;
  }

  optionalInteger(member: string, min: number, max: number): number | undefined {
    const value = this.value(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw constraintError(member, 'Member must be an integer');
    }
    if (value < min) throw constraintError(member, `Member must have value greater than or equal to ${min}`);
    if (value > max) throw constraintError(member, `Member must have value less than or equal to ${max}`);
    return value;
  }

  optionalEnum<T extends string>(member: string, allowed: readonly T[]): T | undefined {
    const value = this.value(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw constraintError(member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
    return value as T;
  }

  optionalStringList(member: string, maxItems: number, item: StringConstraints = {}): string[] | undefined {
    const value = this.value(member);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw constraintError(member, 'Member must be a list');
    if (value.length > maxItems) {
      throw constraintError(member, `Member must have length less than or equal to ${maxItems}`);
    }
    return value.map((entry, index) => checkString(`${member}.${index}`, entry, item));
  }

  optionalStringMap(
    member: string,
    limits: { maxEntries?: number; key?: StringConstraints; value?: StringConstraints } = {},
  ): Record<string, string> | undefined {
    const value = this.value(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value) || value === null) {
      throw constraintError(member, 'Member must be a map of strings to strings');
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (limits.maxEntries !== undefined && entries.length > limits.maxEntries) {
      throw constraintError(member, `Member must have length less than or equal to ${limits.maxEntries}`);
    }
    const map: Record<string, string> = {};
    for (const [key, entry] of entries) {
      checkString(`${member}.key`, key, limits.key ?? {});
      map[key] = checkString(`${member}.${key}`, entry, limits.value ?? { min: 0 });
    }
    return map;
  }

  /** Filters as `[{ Name, Values }]`, names checked against the model's enum. */
  optionalFilters<T extends string>(member: string, names: readonly T[]): { name: T; values: string[] }[] {
    const value = this.value(member);
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw constraintError(member, 'Member must be a list');
    if (value.length > 20) throw constraintError(member, 'Member must have length less than or equal to 20');
    return value.map((filter: unknown, index) => {
      const path = `${member}.${index + 1}`;
      if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
        throw constraintError(path, 'Member must be a structure');
      }
      const { Name: name, Values: values } = filter as Record<string, unknown>;
      if (name === undefined || name === null) throw missingParameter(`${path}.Name`);
      if (typeof name !== 'string' || !(names as readonly string[]).includes(name)) {
        throw constraintError(`${path}.Name`, `Member must satisfy enum value set: [${names.join(', ')}]`);
      }
      if (values === undefined || values === null) throw missingParameter(`${path}.Values`);
      if (!Array.isArray(values) || values.length < 1 || values.length > 20) {
        throw constraintError(`${path}.Values`, 'Member must be a list of 1 to 20 values');
      }
      return {
        name: name as T,
        values: values.map((v: unknown, i) => checkString(`${path}.Values.${i + 1}`, v, { max: 100 })),
      };
    });
  }
}

function checkString(member: string, value: unknown, { min = 1, max, pattern }: StringConstraints): string {
  if (typeof value !== 'string') throw constraintError(member, 'Member must be a string');
  if (value.length < min)
    throw constraintError(member, `Member must have length greater than or equal to ${min}`);
  if (max !== undefined && value.length > max) {
    throw constraintError(member, `Member must have length less than or equal to ${max}`);
  }
  if (pattern && !pattern.test(value)) {
    throw constraintError(member, `Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
}
