// The global pipe (APP_PIPE): nestjs-zod's, validating every @Body, @Query, @Param and @RequestHeaders
// parameter with its DTO's zod schema, and turning zod's issues into the API's one VALIDATION_FAILED
// problem, each issue located where the client can find it.
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
