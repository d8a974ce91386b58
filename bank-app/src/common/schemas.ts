// The zod schemas the DTOs share: card ids, amounts, query-string integers, strict bodies, the empty
// query string, and in answers the money strings and the RFC 9457 problem document.
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
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

/**
 * The query string of a route that takes no parameter: an unknown one is refused like anywhere else.
 * A DTO by nestjs-zod's marks, not createZodDto: that cannot document an object without properties.
 */
export class NoQueryDto {
  static readonly isZodDto = true;
  static readonly schema = z.strictObject({});
}

/** An amount in a response: a decimal string with exactly two fraction digits. */
export const Money = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ description: 'decimal string, two fraction digits', example: '10.00' });

/** RFC 9457 problem details; `errors` (for a 400) locates each bad input. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z
    .array(
      z.object({
        detail: z.string(),
        pointer: z.string().optional(),
        parameter: z.string().optional(),
        header: z.string().optional(),
      }),
    )
    .optional(),
});
export class ProblemDto extends createZodDto(Problem) {}
