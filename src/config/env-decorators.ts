import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min, ValidationOptions } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toOptionalInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : toInt({ value });
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Applies decorators as if they were stacked above the property in this order (the last one first, as TypeScript
 * does), so that validation messages come in the order they always have.
 */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorate of [...decorators].reverse()) decorate(target, key);
  };
}

/** An integer variable within [min, max]; `optional`: unset or empty means absent. `maxMessage` replaces Max's. */
export function IntEnv(options: {
  min: number;
  max: number;
  optional?: boolean;
  maxMessage?: string;
}): PropertyDecorator {
  const max: ValidationOptions | undefined = options.maxMessage ? { message: options.maxMessage } : undefined;
  const checks = [IsInt(), Min(options.min), Max(options.max, max)];
  return options.optional
    ? stacked(Transform(toOptionalInt), IsOptional(), ...checks)
    : stacked(Transform(toInt), ...checks);
}

/** true/false or 1/0, any case; `optional`: unset or empty means absent. */
export function BoolEnv(options: { optional?: boolean } = {}): PropertyDecorator {
  return options.optional
    ? stacked(
        Transform((arg: { value: unknown }) => toBool({ value: emptyToUndefined(arg) })),
        IsOptional(),
        IsBoolean(),
      )
    : stacked(Transform(toBool), IsBoolean());
}

/** A variable that may be unset or empty (absent then); when set, `checks` apply, e.g. `Matches(...)`. */
export function OptionalEnv(...checks: PropertyDecorator[]): PropertyDecorator {
  return stacked(Transform(emptyToUndefined), IsOptional(), ...checks);
}
