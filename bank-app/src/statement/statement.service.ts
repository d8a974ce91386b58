// Reads of the mini statement from the read model, including the bounded wait for a version
// (read-your-own-write).
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MinistatementProjector } from '../projector/ministatement.projector';
import { MoneyWithdrawalEntity } from '../projector/money-withdrawal.entity';

export interface StatementLine {
  id: string;
  debitCardId: string;
  amount: string;
  transactionDate: string;
  version: number;
  requestId: string | null;
}

@Injectable()
export class StatementService {
  constructor(
    @InjectRepository(MoneyWithdrawalEntity) private readonly lines: Repository<MoneyWithdrawalEntity>,
    private readonly projector: MinistatementProjector,
    private readonly config: AppConfig,
  ) {}

  /** The mini statement, newest first. */
  async statement(debitCardId: string, limit: number): Promise<StatementLine[]> {
    const lines = await this.lines.find({
      select: {
        id: true,
        debitCardId: true,
        amount: true,
        transactionDate: true,
        version: true,
        requestId: true,
      },
      where: { debitCardId },
      order: { version: 'DESC' },
      take: limit,
    });
    return lines.map((line) => ({
      id: line.id,
      debitCardId: line.debitCardId,
      amount: line.amount,
      transactionDate: line.transactionDate.toISOString(),
      version: Number(line.version),
      requestId: line.requestId,
    }));
  }

  /**
   * Resolves true once the read model holds `version` of the card, false after the bounded wait.
   * Re-checks when this instance's projector commits a batch, and every 100 ms anyway, since another
   * instance of the app may be the one projecting this card.
   */
  async waitForVersion(debitCardId: string, version: number): Promise<boolean> {
    const deadline = Date.now() + this.config.projector.minVersionWaitMs;
    for (;;) {
      if ((await this.projectedVersion(debitCardId)) >= version) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.projector.events.off('committed', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(100, remaining));
        this.projector.events.on('committed', done);
      });
    }
  }

  /** The highest version of the card the read model holds (0 when none). */
  private async projectedVersion(debitCardId: string): Promise<number> {
    const row = await this.lines
      .createQueryBuilder('line')
      .select('COALESCE(MAX(line.version), 0)', 'version')
      .where('line.debitCardId = :debitCardId', { debitCardId })
      .getRawOne<{ version: string }>();
    return Number(row?.version ?? 0);
  }
}
