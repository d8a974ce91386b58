import { Test } from '@nestjs/testing';
import { AnalyticsService } from './analytics.service';
import { DruidQueryError, DruidSqlClient } from '../druid/druid-sql.client';

describe('AnalyticsService', () => {
  let sut: AnalyticsService;
  const druid = { query: jest.fn<Promise<unknown[]>, [unknown]>() };

  beforeEach(async () => {
    druid.query.mockReset();
    const moduleRef = await Test.createTestingModule({
      providers: [AnalyticsService, { provide: DruidSqlClient, useValue: druid }],
    }).compile();
    sut = moduleRef.get(AnalyticsService);
  });

  it('formats exact cent sums as decimal strings, beyond what a double holds', async () => {
    druid.query.mockResolvedValue([
      { bucket: '2026-11-23T12:00:00.000Z', count: 2, totalMinor: '1005' },
      { bucket: '2026-11-23T13:00:00.000Z', count: 1, totalMinor: '900719925474099312' },
    ]);

    await expect(sut.withdrawals({ granularity: 'hour', from: 0, to: 1 })).resolves.toEqual([
      { bucket: '2026-11-23T12:00:00.000Z', count: 2, total: '10.05' },
      { bucket: '2026-11-23T13:00:00.000Z', count: 1, total: '9007199254740993.12' },
    ]);
  });

  it('returns the ranking as Druid ordered it', async () => {
    druid.query.mockResolvedValue([
      { debitCardId: 'b', count: 3, totalMinor: '300' },
      { debitCardId: 'a', count: 1, totalMinor: '7' },
    ]);

    await expect(sut.topCards({ limit: 2 })).resolves.toEqual([
      { debitCardId: 'b', count: 3, total: '3.00' },
      { debitCardId: 'a', count: 1, total: '0.07' },
    ]);
  });

  it.each([
    ['a fractional sum', { bucket: '2026-11-23T12:00:00.000Z', count: 1, totalMinor: '1.5' }],
    ['a sum as a JSON number', { bucket: '2026-11-23T12:00:00.000Z', count: 1, totalMinor: 5 }],
    ['a bad bucket', { bucket: 'soon', count: 1, totalMinor: '5' }],
    ['a negative count', { bucket: '2026-11-23T12:00:00.000Z', count: -1, totalMinor: '5' }],
  ])('refuses a row with %s rather than answering something wrong', async (_label, row) => {
    druid.query.mockResolvedValue([row]);

    await expect(sut.withdrawals({ granularity: 'hour', from: 0, to: 1 })).rejects.toBeInstanceOf(
      DruidQueryError,
    );
  });
});
