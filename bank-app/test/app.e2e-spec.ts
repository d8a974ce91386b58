// Cross-cutting HTTP behaviour: liveness, request ids, unknown routes.
import { startApp, TestApp } from './support/app';

describe('bank-app HTTP basics (e2e)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('GET /health answers {"status":"ok"}', async () => {
    const response = await sut.api().get('/health');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('generates a uuid X-Request-Id when the client sends none', async () => {
    const response = await sut.api().get('/health');

    expect(response.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('echoes an acceptable client X-Request-Id and replaces one that is not', async () => {
    const kept = await sut.api().get('/health').set('X-Request-Id', 'client.req-1:a_b');
    const replaced = await sut.api().get('/health').set('X-Request-Id', 'has spaces and ;semicolons');
    const tooLong = await sut.api().get('/health').set('X-Request-Id', 'x'.repeat(65));

    expect(kept.headers['x-request-id']).toBe('client.req-1:a_b');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(tooLong.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a not-found problem that carries the request id', async () => {
    const response = await sut.api().get('/no/such/route').set('X-Request-Id', 'req-404');

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('req-404');
    expect(response.body).toEqual({
      type: '/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'No such resource.',
    });
  });
});
