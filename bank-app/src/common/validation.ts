// One zod schema per input: a nestjs-zod DTO gives the validation, the TypeScript type and the OpenAPI
// schema of each body, query string, path and header. The global pipe (APP_PIPE) turns zod's issues
// into the API's one VALIDATION_FAILED problem, each issue located where the client can find it.
import {
  createParamDecorator,
  Injectable,
  type ArgumentMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createZodValidationPipe } from 'nestjs-zod';
import { z } from 'zod';
import { FieldError, validationError } from './domain-error';
import { Cents, formatCents, InvalidAmountError, parseAmount } from './money';

export const CARD_ID_RULE = 'must be 1 to 36 letters, digits or "-"';

/** Card ids: 1 to 36 letters, digits or '-' (a uuid fits). */
export const CardId = z
  .string({ error: CARD_ID_RULE })
  .regex(/^[A-Za-z0-9-]{1,36}$/, CARD_ID_RULE)
  .meta({ example: '123456789' });

/** A request amount, in cents: money.ts judges a JSON number by its shortest form, never by a float. */
export const amount = (max: Cents) =>
  z
    .union([z.number(), z.string()], { error: 'must be a number or a decimal string' })
    .transform((value, context) => {
      try {
        return parseAmount(value, max);
      } catch (error) {
        if (!(error instanceof InvalidAmountError)) throw error;
        context.addIssue({ code: 'custom', message: error.message });
        return z.NEVER;
      }
    })
    .meta({ description: `0.01 to ${formatCents(max)}, at most 2 fraction digits`, example: '10.00' });

/** A query-string integer written in plain digits (no sign, exponent or fraction), from min to max. */
export const queryInteger = (
  min: number,
  max: number,
  message = `must be an integer from ${min} to ${max}`,
) =>
  z
    .string({ error: message })
    .regex(/^\d{1,16}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message))
    .meta({ description: `an integer from ${min} to ${max}` });

/** A body with these fields and no other (no mass assignment). */
export const body = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === 'invalid_type' ? 'the body must be a JSON object' : undefined),
  });

/** The request's headers as one DTO parameter, so the global pipe validates them like a body. */
export const RequestHeaders = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<FastifyRequest>().headers,
);

/** Where an issue is: a JSON pointer into the body, a query or path parameter, or a header. */
function locate(type: ArgumentMetadata['type'], path: PropertyKey[], detail: string): FieldError {
  const [name = ''] = path.map(String);
  if (type === 'body') {
    return {
      pointer: ['#', ...path.map((key) => String(key).replace(/~/g, '~0').replace(/\//g, '~1'))].join('/'),
      detail,
    };
  }
  if (type === 'custom')
    return { header: name.replace(/(^|-)[a-z]/g, (start) => start.toUpperCase()), detail };
  return { parameter: name, detail };
}

/** Unknown fields first, one entry each, then the invalid ones in the schema's order. */
export function fieldErrors(error: z.ZodError, type: ArgumentMetadata['type']): FieldError[] {
  const unknown = type === 'body' ? 'is not an accepted field' : 'is not an accepted query parameter';
  return error.issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ first: true, error: locate(type, [...issue.path, key], unknown) }))
        : [{ first: false, error: locate(type, issue.path, issue.message) }],
    )
    .sort((a, b) => Number(b.first) - Number(a.first))
    .map(({ error }) => error);
}

/** nestjs-zod's pipe; every parameter it sees must be a zod DTO (strictSchemaDeclaration). */
@Injectable()
export class ZodValidationPipe extends createZodValidationPipe({
  createValidationException: (error) => error as z.ZodError,
  strictSchemaDeclaration: true,
}) {
  override transform(value: unknown, metadata: ArgumentMetadata): unknown {
    try {
      return super.transform(value, metadata);
    } catch (error) {
      if (error instanceof z.ZodError) throw validationError(fieldErrors(error, metadata.type));
      throw error;
    }
  }
}

/**
 * The query string of a route that takes no parameter: an unknown one is refused like anywhere else.
 * A DTO by nestjs-zod's marks, not createZodDto: that cannot document an object without properties.
 */
export class NoQueryDto {
  static readonly isZodDto = true;
  static readonly schema = z.strictObject({});
}
