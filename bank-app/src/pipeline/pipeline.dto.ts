// The answers of GET /health, GET /health/ready and GET /pipeline/status. A check carries more than these
// fields (each component adds what it saw), so its schema is open.
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { Problem } from '../common/schemas';

const Check = z.looseObject({
  status: z.enum(['up', 'down']),
  durationMs: z.number(),
  state: z.string().optional(),
  error: z.string().optional(),
});
const HopLag = z.object({
  lastMs: z.number().nullable(),
  maxMs: z.number().nullable(),
  samples: z.number().int(),
  note: z.string().optional(),
});
const HopLags = z.object({
  newestSampleAt: z.iso.datetime().nullable(),
  debitCardTopic: HopLag,
  readModel: HopLag,
  ministatement: HopLag,
  druid: HopLag,
});
/** One hop's lag in milliseconds, measured on recent withdrawals (null: not measured). */
export type HopLag = z.infer<typeof HopLag>;
/** The lag of every hop, commit → debit_card → read model → ministatement → Druid. */
export type HopLags = z.infer<typeof HopLags>;
const checks = z.object({
  database: Check,
  kafka: Check,
  connector: Check,
  supervisor: Check,
  projector: Check,
});

export class LivenessDto extends createZodDto(z.object({ status: z.literal('ok') })) {}
export class ReadinessDto extends createZodDto(
  z.object({ status: z.literal('ready'), checks, lagMs: HopLags }),
) {}
export class NotReadyDto extends createZodDto(Problem.extend({ checks, lagMs: HopLags })) {}

export class PipelineStatusDto extends createZodDto(
  z.object({
    generatedAt: z.iso.datetime(),
    status: z.enum(['up', 'down']),
    components: z.object({ database: Check, kafka: Check }),
    hops: z.array(
      Check.extend({
        name: z.enum(['connector', 'projector', 'druid']),
        from: z.string(),
        to: z.string(),
        lagMs: z.record(z.string(), HopLag),
      }),
    ),
    lagMs: HopLags,
  }),
) {}
