// GET /pipeline/status: one object per hop of the pipeline, in the order a withdrawal travels
// (commit → `debit_card` → read model and `ministatement` → Druid), each with its state, its lag and
// its counters, plus the two shared components (database, Kafka). Always 200: this is a view for
// people and dashboards; GET /health/ready is the gate for load balancers.
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblem } from '../common/openapi';
import { NoQueryDto } from '../common/schemas';
import { DATASOURCE } from '../druid/druid-sql.client';
import { AppConfig } from '../config/app-config';
import { CHANGE_TOPIC } from '../kafka/kafka.topics';
import { ProjectorStats } from '../projector/projector.stats';
import { CONNECTOR_NAME } from './connect-status.client';
import type { CheckResult, CheckStatus } from './pipeline-checks.service';
import { PipelineSnapshotService } from './pipeline-snapshot.service';
import { PipelineStatusDto, type HopLag, type HopLags } from './pipeline.dto';

export interface Hop extends CheckResult {
  name: 'connector' | 'projector' | 'druid';
  from: string;
  to: string;
  /** Milliseconds from the withdrawal's commit to the end of this hop (see HopLagSource). */
  lagMs: Record<string, HopLag>;
}

export interface PipelineStatus {
  generatedAt: string;
  /** up when every component and hop is up. */
  status: CheckStatus;
  components: { database: CheckResult; kafka: CheckResult };
  hops: Hop[];
  /** The chain commit → debit_card → read model → ministatement → Druid, in milliseconds per hop. */
  lagMs: HopLags;
}

@ApiTags('pipeline')
@Controller('pipeline')
export class PipelineStatusController {
  constructor(
    private readonly snapshots: PipelineSnapshotService,
    private readonly config: AppConfig,
    private readonly projectorStats: ProjectorStats,
  ) {}

  @Get('status')
  @ApiOperation({ summary: 'Every hop of the pipeline: state, counters and lag' })
  @ApiResponse({
    status: 200,
    description: 'Always 200; `status` is up when every part is.',
    type: PipelineStatusDto.Output,
  })
  @ApiProblem(400, 'An unknown query parameter.')
  async status(@Query() _query: NoQueryDto): Promise<PipelineStatus> {
    const { database, kafka, connector, projector, projectorLag, druid, lagMs } = await this.snapshots.take();
    const stats = this.projectorStats;
    const hops: Hop[] = [
      {
        name: 'connector',
        from: 'MariaDB table debit_card (binlog)',
        to: `Kafka topic ${CHANGE_TOPIC}`,
        connector: CONNECTOR_NAME,
        ...connector,
        lagMs: { commitToDebitCardTopic: lagMs.debitCardTopic },
      },
      {
        name: 'projector',
        from: `Kafka topic ${CHANGE_TOPIC}`,
        to: 'table money_withdrawal and Kafka topic ministatement',
        ...projector,
        consumerGroup: this.config.projector.groupId,
        // This instance's counters; the lag is the whole group's (every instance shares the work).
        ...(projectorLag === undefined ? {} : { lag: projectorLag }),
        counters: {
          eventsProcessed: stats.eventsProcessed,
          withdrawalsPublished: stats.withdrawalsPublished,
          duplicatesSkipped: stats.duplicatesSkipped,
          deadLettered: stats.deadLettered,
          retries: stats.retries,
          restarts: stats.restarts,
        },
        lastBatchAt: stats.lastBatchAt?.toISOString() ?? null,
        lastCommitToProjectedMs: stats.lastCommitToProjectedMs ?? null,
        lagMs: { commitToReadModel: lagMs.readModel, commitToMinistatement: lagMs.ministatement },
      },
      {
        name: 'druid',
        from: 'Kafka topic ministatement',
        to: `Druid datasource ${DATASOURCE}`,
        supervisor: DATASOURCE,
        ...druid,
        lagMs: { publishedToDruid: lagMs.druid },
      },
    ];
    const all = [database, kafka, ...hops];
    return {
      generatedAt: new Date().toISOString(),
      status: all.every((entry) => entry.status === 'up') ? 'up' : 'down',
      components: { database, kafka },
      hops,
      lagMs,
    };
  }
}
