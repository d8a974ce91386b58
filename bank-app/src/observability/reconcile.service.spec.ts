import { getRepositoryToken } from '@nestjs/typeorm';
import { Test } from '@nestjs/testing';
import { DruidSqlClient } from '../druid/druid-sql.client';
import { DebitCardEntity } from '../debit-cards/debit-card.entity';
import { CardBaselineEntity } from '../projector/card-baseline.entity';
import { MoneyWithdrawalEntity } from '../projector/money-withdrawal.entity';
import { ReconcileService } from './reconcile.service';

type LineTotals = { debitCardId: string; count: string; total: string };

describe('ReconcileService', () => {
  let sut: ReconcileService;
  const cards = { find: jest.fn<Promise<Partial<DebitCardEntity>[]>, [unknown]>() };
  const baselines = { find: jest.fn<Promise<Partial<CardBaselineEntity>[]>, [unknown]>() };
  const totals = {
    select: jest.fn().mockReturnThis(),
    addSelect: jest.fn().mockReturnThis(),
    where: jest.fn().mockReturnThis(),
    groupBy: jest.fn().mockReturnThis(),
    getRawMany: jest.fn<Promise<LineTotals[]>, []>(),
  };
  const lines = { createQueryBuilder: jest.fn(() => totals) };
  const druid = { query: jest.fn<Promise<unknown[]>, [unknown]>() };

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [
        ReconcileService,
        { provide: getRepositoryToken(DebitCardEntity), useValue: cards },
        { provide: getRepositoryToken(CardBaselineEntity), useValue: baselines },
        { provide: getRepositoryToken(MoneyWithdrawalEntity), useValue: lines },
        { provide: DruidSqlClient, useValue: druid },
      ],
    }).compile();
    sut = moduleRef.get(ReconcileService);
  });

  it('checks used_limit = baseline + the lines, and Druid against the read model, in exact cents', async () => {
    cards.find.mockResolvedValue([
      { id: 'a', usedLimit: '15.10' },
      { id: 'b', usedLimit: '3.00' },
    ]);
    baselines.find.mockResolvedValue([{ debitCardId: 'a', usedLimit: '5.00' }]);
    totals.getRawMany.mockResolvedValue([
      { debitCardId: 'a', count: '2', total: '10.10' },
      { debitCardId: 'b', count: '1', total: '2.00' },
    ]);
    druid.query.mockResolvedValue([
      { debitCardId: 'a', count: 2, totalMinor: '1010' },
      { debitCardId: 'b', count: 1, totalMinor: '200' },
    ]);

    const result = await sut.reconcile({ limit: 50 });

    expect(result).toMatchObject({ consistent: false, druidAvailable: true });
    expect(result.cards).toEqual([
      {
        debitCardId: 'a',
        usedLimit: '15.10',
        baseline: '5.00',
        readModel: { count: 2, sum: '10.10' },
        druid: { count: 2, sum: '10.10' },
        consistent: true,
        mismatches: [],
      },
      {
        debitCardId: 'b',
        usedLimit: '3.00',
        baseline: '0.00',
        readModel: { count: 1, sum: '2.00' },
        druid: { count: 1, sum: '2.00' },
        consistent: false,
        mismatches: ['used_limit differs from baseline + read-model sum'],
      },
    ]);
    expect(cards.find).toHaveBeenCalledWith(expect.objectContaining({ order: { id: 'ASC' }, take: 50 }));
  });

  it('reads one card by id when asked for one', async () => {
    cards.find.mockResolvedValue([{ id: 'a', usedLimit: '0.00' }]);
    baselines.find.mockResolvedValue([]);
    totals.getRawMany.mockResolvedValue([]);
    druid.query.mockResolvedValue([]);

    const result = await sut.reconcile({ debitCardId: 'a', limit: 50 });

    expect(cards.find).toHaveBeenCalledWith(expect.objectContaining({ where: { id: 'a' } }));
    expect(result.cards).toEqual([expect.objectContaining({ debitCardId: 'a', consistent: true })]);
  });

  it('calls no card consistent when Druid does not answer', async () => {
    cards.find.mockResolvedValue([{ id: 'a', usedLimit: '0.00' }]);
    baselines.find.mockResolvedValue([]);
    totals.getRawMany.mockResolvedValue([]);
    druid.query.mockRejectedValue(new Error('Druid is down'));

    const result = await sut.reconcile({ limit: 50 });

    expect(result).toMatchObject({ consistent: false, druidAvailable: false });
    expect(result.cards[0]).toMatchObject({ druid: null, mismatches: ['Druid did not answer'] });
  });

  it('answers an empty list, and asks nothing more, when there is no card', async () => {
    cards.find.mockResolvedValue([]);

    const result = await sut.reconcile({ debitCardId: 'nobody', limit: 50 });

    expect(result).toMatchObject({ consistent: true, cards: [] });
    expect(baselines.find).not.toHaveBeenCalled();
    expect(druid.query).not.toHaveBeenCalled();
  });
});
