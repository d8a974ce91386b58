// Reads of the mini statement, including the bounded wait for a version (read-your-own-write).
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MinistatementProjector } from '../projector/ministatement.projector';
import { ReadModelRepository, type StatementLine } from '../projector/read-model.repository';

@Injectable()
export class StatementService {
  constructor(
    private readonly readModel: ReadModelRepository,
    private readonly projector: MinistatementProjector,
    private readonly config: AppConfig,
  ) {}

  statement(debitCardId: string, limit: number): Promise<StatementLine[]> {
    return this.readModel.statement(debitCardId, limit);
  }

  /**
   * Resolves true once the read model holds `version` of the card, false after the bounded wait.
   * Re-checks when this instance's projector commits a batch, and every 100 ms anyway, since another
   * instance of the app may be the one projecting this card.
   */
  async waitForVersion(debitCardId: string, version: number): Promise<boolean> {
    const deadline = Date.now() + this.config.projector.minVersionWaitMs;
    for (;;) {
      if ((await this.readModel.projectedVersion(debitCardId)) >= version) return true;
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
}
