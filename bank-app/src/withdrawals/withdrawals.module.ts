import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommandPool } from '../database/command-pool';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { IdempotencyCleaner } from './idempotency-cleaner.service';
import { IdempotencyService } from './idempotency.service';
import { WithdrawalsController } from './withdrawals.controller';
import { WithdrawalsService } from './withdrawals.service';

/**
 * POST /moneywithdrawals: the command, on its own mysql2 pool (CommandPool). The idempotency_key
 * entity is registered for the schema's sake; the command's SQL is hand-tuned (idempotency.service.ts).
 */
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKeyEntity])],
  controllers: [WithdrawalsController],
  providers: [CommandPool, WithdrawalsService, IdempotencyService, IdempotencyCleaner],
})
export class WithdrawalsModule {}
