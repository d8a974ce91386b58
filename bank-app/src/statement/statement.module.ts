import { Module } from '@nestjs/common';
import { ProjectorModule } from '../projector/projector.module';
import { StatementController } from './statement.controller';
import { StatementService } from './statement.service';

/**
 * The query side: GET /moneywithdrawals reads the table the projector writes, and waits on the
 * projector's commits for ?minVersion=.
 */
@Module({
  imports: [ProjectorModule],
  controllers: [StatementController],
  providers: [StatementService],
})
export class StatementModule {}
