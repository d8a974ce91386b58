import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { controllerApp, validationProblem } from '../../test/support/controller-app';
import { DomainError } from '../common/domain-error';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsService } from './analytics.service';

describe(AnalyticsController.name, () => {
  let sut: NestFastifyApplication;
  const analytics = { withdrawals: jest.fn(), topCards: jest.fn() };

  beforeAll(async () => {
    sut = await controllerApp(AnalyticsController, [{ provide: AnalyticsService, useValue: analytics }]);
  });
  afterAll(() => sut.close());
  beforeEach(() => {
    analytics.withdrawals
      .mockReset()
      .mockResolvedValue([{ bucket: '2026-11-23T12:00:00.000Z', count: 3, total: '35.50' }]);
    analytics.topCards
      .mockReset()
      .mockResolvedValue([{ debitCardId: '123456789', count: 3, total: '35.50' }]);
  });

  it('GET /analytics/withdrawals hands the service the parsed window', async () => {
    const response = await sut.inject({
      method: 'GET',
      url: '/analytics/withdrawals?granularity=minute&from=2026-11-23T10:00:00Z&to=2026-11-23T12:00:00%2B01:00',
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([{ bucket: '2026-11-23T12:00:00.000Z', count: 3, total: '35.50' }]);
    expect(analytics.withdrawals).toHaveBeenCalledWith({
      granularity: 'minute',
      from: Date.parse('2026-11-23T10:00:00Z'),
      to: Date.parse('2026-11-23T11:00:00Z'),
    });
  });

  it('GET /analytics/top-cards defaults to the top 10', async () => {
    const response = await sut.inject({ method: 'GET', url: '/analytics/top-cards' });

    expect(response.statusCode).toBe(200);
    expect(analytics.topCards).toHaveBeenCalledWith({ limit: 10 });
  });

  it.each([
    ['/analytics/withdrawals?card=1', ['card']],
    ["/analytics/withdrawals?granularity=PT1M')--", ['granularity']],
    ['/analytics/withdrawals?from=2026-01-01T00:00:00', ['from']],
    ['/analytics/top-cards?limit=101', ['limit']],
    ['/analytics/top-cards?limit=1&limit=2', ['limit']],
  ])('refuses %s with a 400 problem and never calls the service', async (url, parameters) => {
    const response = await sut.inject({ method: 'GET', url });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(
      validationProblem(
        parameters.map((parameter) => ({ parameter, detail: expect.any(String) as unknown })),
      ),
    );
    expect(analytics.withdrawals).not.toHaveBeenCalled();
    expect(analytics.topCards).not.toHaveBeenCalled();
  });

  it('answers 503 with Retry-After when Druid cannot', async () => {
    analytics.topCards.mockRejectedValue(new DomainError('ANALYTICS_UNAVAILABLE', 'Druid is down'));

    const response = await sut.inject({ method: 'GET', url: '/analytics/top-cards' });

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
  });
});
