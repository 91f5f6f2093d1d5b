import * as v from 'valibot';
import { ValidationError } from './errors/validation-error';

/**
 * Option validation, one way for every class: a valibot schema per option object, and a
 * {@link ValidationError} that names the option (`options.load.batchSize`) and carries valibot's
 * typed `issues`.
 */

/**
 * Checks `value` against `schema`; returns valibot's output or throws a {@link ValidationError}
 * whose `field` is `prefix` plus the failing path and whose message is the schema's own.
 * @internal
 */
export function parseOptions<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  prefix: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = [prefix, v.getDotPath(issue)].filter(Boolean).join('.');
  throw new ValidationError(`${field} ${issue.message}, got ${shown(issue.input)}`, {
    field,
    issues: result.issues,
  });
}

/** An integer ≥ `min`, with a message that reads after the option's name. @internal */
export function integerFrom(min: number) {
  const message = min === 1 ? 'must be a positive integer' : `must be an integer >= ${min}`;
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message));
}

/** One of `values`, with a message listing them. @internal */
export function oneOf<const T extends readonly string[]>(values: T) {
  return v.picklist(values, `must be one of ${values.map((x) => `"${x}"`).join(', ')}`);
}

function shown(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.slice(0, 40));
  if (typeof input === 'number' || typeof input === 'boolean' || input == null)
    return String(input);
  return typeof input;
}
