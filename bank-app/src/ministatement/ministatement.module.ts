import { Module } from '@nestjs/common';
import { MinistatementController } from './ministatement.controller';
import { MinistatementProjector } from './ministatement.projector';
import { MinistatementService } from './ministatement.service';
import { ProjectorStats } from './projector.stats';
import { ReadModelRepository } from './read-model.repository';

/** The read side: the projector (Kafka → read model → ministatement) and GET /moneywithdrawals. */
@Module({
  controllers: [MinistatementController],
  providers: [MinistatementProjector, MinistatementService, ProjectorStats, ReadModelRepository],
  exports: [MinistatementProjector, ProjectorStats, ReadModelRepository],
})
export class MinistatementModule {}
