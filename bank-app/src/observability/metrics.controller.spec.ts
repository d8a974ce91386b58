import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { controllerApp, validationProblem } from '../../test/support/controller-app';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

describe(MetricsController.name, () => {
  let sut: NestFastifyApplication;
  const text =
    '# HELP bankapp_projector_running 1 when…\n# TYPE bankapp_projector_running gauge\nbankapp_projector_running 1\n';
  const metrics = {
    metrics: jest.fn<Promise<string>, []>(),
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
  };

  beforeAll(async () => {
    sut = await controllerApp(MetricsController, [{ provide: MetricsService, useValue: metrics }]);
  });
  afterAll(() => sut.close());
  beforeEach(() => metrics.metrics.mockReset().mockResolvedValue(text));

  it('GET /metrics answers 200 with the registry as Prometheus text, never cached', async () => {
    const response = await sut.inject({ method: 'GET', url: '/metrics' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toBe(text);
  });

  it('refuses a query parameter it does not know, and reads no metric', async () => {
    const response = await sut.inject({ method: 'GET', url: '/metrics?name=x' });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(
      validationProblem([{ parameter: 'name', detail: 'is not an accepted query parameter' }]),
    );
    expect(metrics.metrics).not.toHaveBeenCalled();
  });

  it('answers another method with a 404 problem', async () => {
    const response = await sut.inject({ method: 'POST', url: '/metrics' });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
