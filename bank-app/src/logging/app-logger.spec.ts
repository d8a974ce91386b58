// The request id on every line: Fastify and nestjs-pino wired as createApp wires them, a controller
// and a service that log through Nest's Logger, and the lines captured as pino writes them.
import { Body, Controller, Get, Injectable, Logger, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Writable } from 'node:stream';
import { configureFastify, createAdapter } from '../app.factory';
import { lineLogger, loggerModule, nestLogger } from './app-logger';

@Injectable()
class ProbeService {
  private readonly logger = new Logger(ProbeService.name);

  work(): string {
    this.logger.warn({ msg: 'working', topic: 'debit_card', partition: 2, offset: '41' });
    return 'done';
  }
}

@Controller('probe')
class ProbeController {
  private readonly logger = new Logger(ProbeController.name);

  constructor(private readonly service: ProbeService) {}

  @Get()
  get(): string {
    this.logger.log('handling a GET');
    return this.service.work();
  }

  @Post()
  async post(@Body() body: unknown): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 5)); // a line after an await, a timer away
    this.logger.log(`handling a POST of ${JSON.stringify(body)}`);
    return this.service.work();
  }
}

describe('the app logger', () => {
  let sut: NestFastifyApplication;
  const lines: Record<string, unknown>[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });

  beforeAll(async () => {
    const logger = lineLogger('info', capture);
    const moduleRef = await Test.createTestingModule({
      imports: [loggerModule(logger)],
      controllers: [ProbeController],
      providers: [ProbeService],
    }).compile();
    sut = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(logger), {
      bodyParser: false,
      logger: nestLogger(logger),
    });
    configureFastify(sut.getHttpAdapter().getInstance(), { recordHttp: () => undefined });
    await sut.init();
    await sut.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => sut.close());
  beforeEach(() => (lines.length = 0));

  it('puts the request id on every line logged while a request is handled, and on its HTTP line', async () => {
    const response = await sut.inject({ method: 'GET', url: '/probe', headers: { 'x-request-id': 'req-1' } });

    expect(response.statusCode).toBe(200);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        requestId: 'req-1',
        context: 'ProbeController',
        msg: 'handling a GET',
      }),
      expect.objectContaining({ level: 'warn', requestId: 'req-1', context: 'ProbeService', msg: 'working' }),
      expect.objectContaining({
        level: 'info',
        requestId: 'req-1',
        context: 'HTTP',
        msg: 'request completed',
        method: 'GET',
        route: '/probe',
        status: 200,
      }),
    ]);
  });

  it('keeps the request id across body parsing and awaits', async () => {
    await sut.inject({
      method: 'POST',
      url: '/probe',
      headers: { 'x-request-id': 'req-2', 'content-type': 'application/json' },
      payload: '{"a":1}',
    });

    expect(lines.map((line) => [line.msg, line.requestId])).toEqual([
      ['handling a POST of {"a":1}', 'req-2'],
      ['working', 'req-2'],
      ['request completed', 'req-2'],
    ]);
  });

  it('writes structured fields as fields, and no request id outside a request', () => {
    new ProbeService().work();

    expect(lines).toEqual([
      {
        level: 'warn',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
        context: 'ProbeService',
        msg: 'working',
        topic: 'debit_card',
        partition: 2,
        offset: '41',
      },
    ]);
  });
});
