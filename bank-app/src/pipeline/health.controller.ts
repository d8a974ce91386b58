// Liveness (GET /health) and readiness (GET /health/ready). Readiness is read from the same snapshot
// as GET /pipeline/status: every part the app needs to do its whole job (the database, Kafka, the
// Debezium connector, the Druid supervisor and this instance's projector). 200 when all are up;
// otherwise a 503 problem whose `checks` member says which part is down and why. Either way the body
// lists every check and the lag in milliseconds per hop. The lag is reported, not judged: a backlog
// (after a rebuild, say) is no reason to take the API out of service, and a stopped hop is caught by
// its own check.
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../common/domain-error';
import { ApiProblem } from '../common/openapi';
import { domainProblem, domainProblemHeaders, PROBLEM_CONTENT_TYPE } from '../common/problem-details';
import { NoQueryDto } from '../common/schemas';
import type { CheckResult } from './pipeline-checks.service';
import { PipelineSnapshotService } from './pipeline-snapshot.service';
import { LivenessDto, NotReadyDto, ReadinessDto, type HopLags } from './pipeline.dto';

export type ReadinessChecks = Record<
  'database' | 'kafka' | 'connector' | 'supervisor' | 'projector',
  CheckResult
>;

export interface ReadinessReport {
  status: 'ready';
  checks: ReadinessChecks;
  lagMs: HopLags;
}

@ApiTags('health')
@ApiProblem(400, 'An unknown query parameter.')
@Controller('health')
export class HealthController {
  constructor(private readonly snapshots: PipelineSnapshotService) {}

  /** Liveness: the process answers HTTP. Says nothing about the database (that is readiness). */
  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers HTTP' })
  @ApiResponse({ status: 200, description: 'Alive.', type: LivenessDto.Output })
  live(@Query() _query: NoQueryDto): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database, Kafka, connector, supervisor and projector' })
  @ApiResponse({
    status: 200,
    description: 'Ready; with every check and the lag per hop.',
    type: ReadinessDto.Output,
  })
  @ApiProblem(503, 'Not ready: `checks` says which part is down.', NotReadyDto.Output)
  async ready(
    @Query() _query: NoQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReadinessDto | NotReadyDto> {
    const { database, kafka, connector, druid, projector, lagMs } = await this.snapshots.take();
    const checks: ReadinessChecks = { database, kafka, connector, supervisor: druid, projector };
    const down = Object.entries(checks)
      .filter(([, result]) => result.status === 'down')
      .map(([name]) => name);
    if (down.length === 0) return { status: 'ready', checks, lagMs } satisfies ReadinessReport;

    // Not an exception: the report is the answer. Same problem type as the one error table gives.
    const error = new DomainError(
      'NOT_READY',
      `Not ready: ${down.join(', ')} ${down.length > 1 ? 'are' : 'is'} down.`,
    );
    void reply.status(503).headers(domainProblemHeaders(error.code)).type(PROBLEM_CONTENT_TYPE);
    return { ...domainProblem(error), checks, lagMs };
  }
}
