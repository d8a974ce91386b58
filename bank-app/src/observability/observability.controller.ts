// GET /pipeline/trace and GET /pipeline/reconcile: following one withdrawal through the pipeline, and
// checking that the write model, the read model and Druid agree card by card.
import { Controller, Get, Query } from '@nestjs/common';
import { parseReconcileQuery, parseTraceQuery } from './observability.request';
import { ReconcileService, type Reconciliation } from './reconcile.service';
import { TraceService, type Trace } from './trace.service';

@Controller('pipeline')
export class ObservabilityController {
  constructor(
    private readonly traces: TraceService,
    private readonly reconciliation: ReconcileService,
  ) {}

  /** GET /pipeline/trace?requestId= (or ?withdrawalId=) */
  @Get('trace')
  trace(@Query() query: Record<string, unknown>): Promise<Trace> {
    return this.traces.trace(parseTraceQuery(query));
  }

  /** GET /pipeline/reconcile?debitCardId=&limit= */
  @Get('reconcile')
  reconcile(@Query() query: Record<string, unknown>): Promise<Reconciliation> {
    return this.reconciliation.reconcile(parseReconcileQuery(query));
  }
}
