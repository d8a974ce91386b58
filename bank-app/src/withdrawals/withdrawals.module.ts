import { Module } from '@nestjs/common';
import { CommandPool } from '../database/command-pool';
import { IdempotencyCleaner } from './idempotency-cleaner.service';
import { IdempotencyService } from './idempotency.service';
import { WithdrawalsController } from './withdrawals.controller';
import { WithdrawalsService } from './withdrawals.service';

@Module({
  controllers: [WithdrawalsController],
  providers: [CommandPool, WithdrawalsService, IdempotencyService, IdempotencyCleaner],
})
export class WithdrawalsModule {}
