// GET /pipeline/trace and GET /pipeline/reconcile: following one withdrawal through the pipeline, and
// checking that the write model, the read model and Druid agree card by card.
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblem } from '../common/openapi';
import {
  ReconcileQueryDto,
  ReconciliationDto,
  TraceDto,
  TraceQueryDto,
  type TraceQuery,
} from './observability.dto';
import { ReconcileService } from './reconcile.service';
import { TraceService } from './trace.service';

@ApiTags('pipeline')
@ApiProblem(400, 'A bad or unknown parameter.')
@ApiProblem(503, 'The database is unavailable or overloaded (Retry-After).')
@Controller('pipeline')
export class ObservabilityController {
  constructor(
    private readonly traces: TraceService,
    private readonly reconciliation: ReconcileService,
  ) {}

  @Get('trace')
  @ApiOperation({ summary: 'Follow one withdrawal through every hop' })
  @ApiResponse({
    status: 200,
    description: 'The withdrawals found (at most 10), each hop by hop.',
    type: TraceDto.Output,
  })
  trace(@Query() query: TraceQueryDto): Promise<TraceDto> {
    return this.traces.trace(query as TraceQuery);
  }

  @Get('reconcile')
  @ApiOperation({ summary: 'Write model, read model and Druid compared, per card' })
  @ApiResponse({
    status: 200,
    description: 'Per card; meaningful once the pipeline is quiet.',
    type: ReconciliationDto.Output,
  })
  reconcile(@Query() query: ReconcileQueryDto): Promise<ReconciliationDto> {
    return this.reconciliation.reconcile(query);
  }
}
