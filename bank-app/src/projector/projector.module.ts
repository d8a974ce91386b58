import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KafkaModule } from '../kafka/kafka.module';
import { CardBaselineEntity } from './card-baseline.entity';
import { MinistatementProjector } from './ministatement.projector';
import { MoneyWithdrawalEntity } from './money-withdrawal.entity';
import { ProjectorStats } from './projector.stats';
import { ReadModelRepository } from './read-model.repository';

/**
 * The projector: `debit_card` change events → read model (money_withdrawal, card_baseline) →
 * `ministatement`. The read model's repositories are exported with it, for the modules that read the
 * tables it writes (the statement, reconcile, trace), and so are its counters and its commit events.
 */
@Module({
  imports: [TypeOrmModule.forFeature([MoneyWithdrawalEntity, CardBaselineEntity]), KafkaModule],
  providers: [MinistatementProjector, ProjectorStats, ReadModelRepository],
  exports: [TypeOrmModule, MinistatementProjector, ProjectorStats],
})
export class ProjectorModule {}
