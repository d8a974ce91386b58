import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CardBaselineEntity } from './card-baseline.entity';
import { MinistatementController } from './ministatement.controller';
import { MinistatementProjector } from './ministatement.projector';
import { MinistatementService } from './ministatement.service';
import { MoneyWithdrawalEntity } from './money-withdrawal.entity';
import { ProjectorStats } from './projector.stats';
import { ReadModelRepository } from './read-model.repository';

/**
 * The read side: the projector (Kafka → read model → ministatement) and GET /moneywithdrawals. The read
 * model's repositories are exported with it, for the modules that inspect it (reconcile, trace).
 */
@Module({
  imports: [TypeOrmModule.forFeature([MoneyWithdrawalEntity, CardBaselineEntity])],
  controllers: [MinistatementController],
  providers: [MinistatementProjector, MinistatementService, ProjectorStats, ReadModelRepository],
  exports: [TypeOrmModule, MinistatementProjector, ProjectorStats, ReadModelRepository],
})
export class MinistatementModule {}
