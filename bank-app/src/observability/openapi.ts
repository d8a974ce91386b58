// GET /docs (Swagger UI) and GET /docs-json (the OpenAPI 3 document). The routes come from the code
// (@nestjs/swagger scans the controllers); their parameters, bodies, responses and examples are
// described here, in one place, as plain schema objects: the app validates input with its own parsers
// (not class-validator DTOs), so nothing here changes validation. A route the scan finds without an
// entry here is listed by `undocumentedRoutes` (the e2e test fails on it).
import fastifyStatic, { type FastifyStaticOptions } from '@fastify/static';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

type Schema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const money = (example: string): Schema => ({
  type: 'string',
  pattern: '^\\d+\\.\\d{2}$',
  description: 'decimal string, two fraction digits',
  example,
});
const json = (schema: Schema, example?: unknown): Schema => ({
  'application/json': { schema, ...(example === undefined ? {} : { example }) },
});
const ok = (description: string, schema: Schema, example?: unknown): Schema => ({
  description,
  content: json(schema, example),
});
const problem = (description: string, example?: Schema): Schema => ({
  description,
  content: {
    'application/problem+json': {
      schema: ref('Problem'),
      example: example ?? {
        type: '/problems/validation-error',
        title: 'Invalid request',
        status: 400,
        detail: 'The request is invalid; see errors.',
        errors: [{ parameter: 'debitCardId', detail: 'is required' }],
      },
    },
  },
});
const query = (name: string, description: string, schema: Schema, required = false): Schema => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});
const CARD_ID: Schema = { type: 'string', pattern: '^[A-Za-z0-9-]{1,36}$', example: '123456789' };
const INSTANT: Schema = { type: 'string', format: 'date-time', example: '2026-11-23T12:00:00Z' };
const REQUEST_ID_EXAMPLE = '3f0c2d4e-9a8b-4c1d-8e7f-1a2b3c4d5e6f';
const WITHDRAWAL_ID_EXAMPLE = '0b7e6c1a-2f3d-4e5a-9b8c-7d6e5f4a3b2c';
const BAD_REQUEST = problem('Invalid parameters (problem+json with the field errors).');
const UNAVAILABLE = problem('The database or Druid is unavailable (Retry-After).', {
  type: '/problems/service-unavailable',
  title: 'Service unavailable',
  status: 503,
  detail: 'The database is unavailable or overloaded. Retry later.',
});

const SCHEMAS: Record<string, Schema> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            detail: { type: 'string' },
            pointer: { type: 'string' },
            parameter: { type: 'string' },
            header: { type: 'string' },
          },
        },
      },
    },
  },
  WithdrawalRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['debitCard', 'amount'],
    properties: {
      debitCard: CARD_ID,
      amount: {
        oneOf: [{ type: 'number' }, { type: 'string' }],
        description: '0.01 to 1000000000.00, at most two fraction digits',
        example: '10.00',
      },
    },
  },
  WithdrawalReceipt: {
    type: 'object',
    properties: {
      withdrawalId: { type: 'string', format: 'uuid' },
      debitCardId: CARD_ID,
      amount: money('10.00'),
      availableBalance: money('9990.00'),
      version: { type: 'integer', example: 1 },
    },
  },
  StatementLine: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      debitCardId: CARD_ID,
      amount: money('10.00'),
      transactionDate: { type: 'string', format: 'date-time' },
      version: { type: 'integer' },
      requestId: { type: 'string', nullable: true },
    },
  },
  CreateDebitCardRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['initialLimit'],
    properties: {
      id: CARD_ID,
      initialLimit: {
        oneOf: [{ type: 'number' }, { type: 'string' }],
        description: '0.01 to 1000000000000.00',
        example: '500.00',
      },
    },
  },
  DebitCard: {
    type: 'object',
    properties: {
      id: CARD_ID,
      initialLimit: money('500.00'),
      usedLimit: money('25.50'),
      availableBalance: money('474.50'),
      version: { type: 'integer' },
    },
  },
  WithdrawalBucket: {
    type: 'object',
    properties: { bucket: INSTANT, count: { type: 'integer' }, total: money('120.00') },
  },
  CardTotal: {
    type: 'object',
    properties: { debitCardId: CARD_ID, count: { type: 'integer' }, total: money('120.00') },
  },
  Check: {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['up', 'down'] },
      durationMs: { type: 'integer' },
      state: { type: 'string' },
      error: { type: 'string' },
    },
    additionalProperties: true,
  },
  PipelineStatus: {
    type: 'object',
    properties: {
      generatedAt: INSTANT,
      status: { type: 'string', enum: ['up', 'down'] },
      components: {
        type: 'object',
        properties: { database: ref('Check'), kafka: ref('Check') },
      },
      hops: {
        type: 'array',
        items: {
          allOf: [
            ref('Check'),
            {
              type: 'object',
              properties: {
                name: { type: 'string', enum: ['connector', 'projector', 'druid'] },
                from: { type: 'string' },
                to: { type: 'string' },
              },
            },
          ],
        },
      },
    },
  },
  TraceHop: {
    type: 'object',
    properties: {
      hop: { type: 'string', enum: ['commit', 'debit_card', 'read_model', 'ministatement', 'druid'] },
      status: { type: 'string', enum: ['done', 'pending', 'unknown'] },
      at: { type: 'string', format: 'date-time', nullable: true },
      sinceCommitMs: { type: 'number', nullable: true },
      detail: { type: 'object', additionalProperties: true },
    },
  },
  Trace: {
    type: 'object',
    properties: {
      query: { type: 'object', additionalProperties: { type: 'string' } },
      withdrawals: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            withdrawalId: { type: 'string', format: 'uuid' },
            debitCardId: CARD_ID,
            amount: { ...money('10.00'), nullable: true },
            version: { type: 'integer' },
            requestId: { type: 'string', nullable: true },
            hops: { type: 'array', items: ref('TraceHop') },
          },
        },
      },
    },
  },
  Totals: { type: 'object', properties: { count: { type: 'integer' }, sum: money('35.50') } },
  Reconciliation: {
    type: 'object',
    properties: {
      generatedAt: INSTANT,
      consistent: { type: 'boolean' },
      druidAvailable: { type: 'boolean' },
      cards: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            debitCardId: CARD_ID,
            usedLimit: money('35.50'),
            baseline: money('0.00'),
            readModel: ref('Totals'),
            druid: { allOf: [ref('Totals')], nullable: true },
            consistent: { type: 'boolean' },
            mismatches: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  },
};

const traceExample = {
  query: { requestId: REQUEST_ID_EXAMPLE },
  withdrawals: [
    {
      withdrawalId: WITHDRAWAL_ID_EXAMPLE,
      debitCardId: '123456789',
      amount: '10.00',
      version: 7,
      requestId: REQUEST_ID_EXAMPLE,
      hops: [
        { hop: 'commit', status: 'done', at: '2026-11-23T12:00:00.123Z', sinceCommitMs: 0, detail: {} },
        {
          hop: 'debit_card',
          status: 'done',
          at: null,
          sinceCommitMs: null,
          detail: { topic: 'debit_card', partition: 1, offset: '41' },
        },
        { hop: 'read_model', status: 'done', at: '2026-11-23T12:00:00.311Z', sinceCommitMs: 188, detail: {} },
        {
          hop: 'ministatement',
          status: 'done',
          at: '2026-11-23T12:00:00.342Z',
          sinceCommitMs: 219,
          detail: { topic: 'ministatement' },
        },
        { hop: 'druid', status: 'done', at: null, sinceCommitMs: null, detail: { datasource: 'bankapp' } },
      ],
    },
  ],
};

/** Per route ("METHOD /path" as in the document): the description merged into the scanned operation. */
export const OPERATIONS: Record<string, Operation> = {
  'post /moneywithdrawals': {
    tags: ['withdrawals'],
    summary: 'Withdraw money from a debit card (the command)',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'at most 255 characters; a retry with the same key and body replays the first answer',
        schema: { type: 'string', maxLength: 255 },
      },
    ],
    requestBody: {
      required: true,
      content: json(ref('WithdrawalRequest'), { debitCard: '123456789', amount: '10.00' }),
    },
    responses: {
      '202': ok('Accepted: the card was debited.', ref('WithdrawalReceipt'), {
        withdrawalId: WITHDRAWAL_ID_EXAMPLE,
        debitCardId: '123456789',
        amount: '10.00',
        availableBalance: '9990.00',
        version: 1,
      }),
      '400': BAD_REQUEST,
      '404': problem('Unknown card.', {
        type: '/problems/card-not-found',
        title: 'Debit card not found',
        status: 404,
        detail: 'Debit card nope does not exist.',
      }),
      '409': problem('A request with this Idempotency-Key is in flight.'),
      '413': problem('Body over 16 KiB.'),
      '415': problem('Body is not JSON.'),
      '422': problem('Insufficient funds, or the Idempotency-Key was used with another body.', {
        type: '/problems/insufficient-funds',
        title: 'Insufficient funds',
        status: 422,
        detail: 'The card has 5.00 available.',
      }),
      '503': UNAVAILABLE,
    },
  },
  'get /moneywithdrawals': {
    tags: ['withdrawals'],
    summary: 'The mini statement of a card (the read model), newest first',
    parameters: [
      query('debitCardId', 'the card', CARD_ID, true),
      query('limit', 'lines, 1 to 1000 (default 100)', { type: 'integer', minimum: 1, maximum: 1000 }),
      query('minVersion', 'wait (bounded) until the read model holds this version of the card', {
        type: 'integer',
        minimum: 0,
      }),
    ],
    responses: {
      '200': ok(
        'The statement lines (header x-read-model-behind: true when minVersion was not reached).',
        { type: 'array', items: ref('StatementLine') },
        [
          {
            id: WITHDRAWAL_ID_EXAMPLE,
            debitCardId: '123456789',
            amount: '10.00',
            transactionDate: '2026-11-23T12:00:00.123Z',
            version: 1,
            requestId: REQUEST_ID_EXAMPLE,
          },
        ],
      ),
      '400': BAD_REQUEST,
      '503': UNAVAILABLE,
    },
  },
  'post /debitcards': {
    tags: ['debit cards'],
    summary: 'Create a debit card',
    requestBody: {
      required: true,
      content: json(ref('CreateDebitCardRequest'), { id: 'alice-1', initialLimit: '500.00' }),
    },
    responses: {
      '201': ok('Created (Location: /debitcards/{id}).', ref('DebitCard'), {
        id: 'alice-1',
        initialLimit: '500.00',
        usedLimit: '0.00',
        availableBalance: '500.00',
        version: 0,
      }),
      '400': BAD_REQUEST,
      '409': problem('The id is taken.'),
      '503': UNAVAILABLE,
    },
  },
  'get /debitcards/{id}': {
    tags: ['debit cards'],
    summary: 'The write-side state of a card',
    parameters: [{ name: 'id', in: 'path', required: true, schema: CARD_ID }],
    responses: {
      '200': ok('The card.', ref('DebitCard'), {
        id: '123456789',
        initialLimit: '10000.00',
        usedLimit: '10.00',
        availableBalance: '9990.00',
        version: 1,
      }),
      '400': BAD_REQUEST,
      '404': problem('Unknown card.'),
      '503': UNAVAILABLE,
    },
  },
  'get /analytics/withdrawals': {
    tags: ['analytics'],
    summary: 'Withdrawals per time bucket, from Druid',
    parameters: [
      query('debitCardId', 'one card (default: all)', CARD_ID),
      query('granularity', 'bucket size', { type: 'string', enum: ['minute', 'hour', 'day'] }, true),
      query('from', 'inclusive start (default: 24 hours ago)', INSTANT),
      query('to', 'exclusive end (default: now)', INSTANT),
    ],
    responses: {
      '200': ok('Buckets, oldest first.', { type: 'array', items: ref('WithdrawalBucket') }, [
        { bucket: '2026-11-23T12:00:00.000Z', count: 3, total: '35.50' },
      ]),
      '400': BAD_REQUEST,
      '503': problem('Druid unavailable (Retry-After).'),
    },
  },
  'get /analytics/top-cards': {
    tags: ['analytics'],
    summary: 'Cards by total withdrawn, from Druid',
    parameters: [
      query('limit', '1 to 100 (default 10)', { type: 'integer', minimum: 1, maximum: 100 }),
      query('from', 'inclusive start', INSTANT),
      query('to', 'exclusive end', INSTANT),
    ],
    responses: {
      '200': ok('Cards, largest total first.', { type: 'array', items: ref('CardTotal') }, [
        { debitCardId: '123456789', count: 3, total: '35.50' },
      ]),
      '400': BAD_REQUEST,
      '503': problem('Druid unavailable (Retry-After).'),
    },
  },
  'get /health': {
    tags: ['health'],
    summary: 'Liveness',
    responses: {
      '200': ok(
        'The process answers.',
        { type: 'object', properties: { status: { type: 'string' } } },
        { status: 'ok' },
      ),
    },
  },
  'get /health/ready': {
    tags: ['health'],
    summary: 'Readiness: database, Kafka, connector, supervisor, projector',
    responses: {
      '200': ok(
        'Ready.',
        {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['ready'] },
            checks: { type: 'object', additionalProperties: ref('Check') },
            lagMs: {
              type: 'object',
              description: 'Lag in milliseconds per hop, as in GET /pipeline/status (reported, not judged).',
            },
          },
        },
        { status: 'ready', checks: { database: { status: 'up', durationMs: 2 } } },
      ),
      '503': problem('Not ready; `checks` says which part is down.', {
        type: '/problems/not-ready',
        title: 'Not ready',
        status: 503,
        detail: 'Not ready: connector is down.',
      }),
    },
  },
  'get /pipeline/status': {
    tags: ['pipeline'],
    summary: 'Every hop of the pipeline: state, counters and lag',
    responses: {
      '200': ok('Always 200; `status` is up when every hop is.', ref('PipelineStatus'), {
        generatedAt: '2026-11-23T12:00:00.000Z',
        status: 'up',
        components: { database: { status: 'up', durationMs: 1 }, kafka: { status: 'up', durationMs: 3 } },
        hops: [{ name: 'connector', status: 'up', state: 'RUNNING', durationMs: 4 }],
      }),
    },
  },
  'get /pipeline/trace': {
    tags: ['pipeline'],
    summary: 'Follow one withdrawal through every hop',
    parameters: [
      query('requestId', 'the X-Request-Id of the withdrawal (exactly one of requestId, withdrawalId)', {
        type: 'string',
        pattern: '^[A-Za-z0-9._:-]{1,64}$',
        example: REQUEST_ID_EXAMPLE,
      }),
      query('withdrawalId', 'the withdrawal id of the receipt', { type: 'string', format: 'uuid' }),
    ],
    responses: {
      '200': ok('The withdrawals found (at most 10), each with its hops.', ref('Trace'), traceExample),
      '400': BAD_REQUEST,
    },
  },
  'get /pipeline/reconcile': {
    tags: ['pipeline'],
    summary: 'Write model vs read model vs Druid, per card',
    parameters: [
      query('debitCardId', 'one card (default: all cards by id, at most `limit`)', CARD_ID),
      query('limit', '1 to 200 (default 50)', { type: 'integer', minimum: 1, maximum: 200 }),
    ],
    responses: {
      '200': ok('Per card; consistent once the pipeline is quiet.', ref('Reconciliation'), {
        generatedAt: '2026-11-23T12:00:00.000Z',
        consistent: true,
        druidAvailable: true,
        cards: [
          {
            debitCardId: 'alice-1',
            usedLimit: '35.50',
            baseline: '0.00',
            readModel: { count: 2, sum: '35.50' },
            druid: { count: 2, sum: '35.50' },
            consistent: true,
            mismatches: [],
          },
        ],
      }),
      '400': BAD_REQUEST,
      '503': UNAVAILABLE,
    },
  },
  'get /metrics': {
    tags: ['pipeline'],
    summary: 'Prometheus metrics (text exposition format)',
    responses: {
      '200': {
        description: 'Process, HTTP and projector metrics.',
        content: {
          'text/plain': {
            schema: { type: 'string' },
            example:
              'bankapp_projector_withdrawals_published_total 42\nhttp_requests_total{method="GET",route="/health",status="200"} 3\n',
          },
        },
      },
    },
  },
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The scanned document with OPERATIONS merged in. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('bank-app')
    .setDescription(
      'Bank mini statement: CQRS with change data capture (MariaDB → Debezium → Kafka → Druid).',
    )
    .setVersion('0.1.0')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      const described = OPERATIONS[`${method} ${path}`];
      if (operation === undefined || described === undefined) continue;
      // The scan's own responses and parameters (from @Query() Record<…>) say nothing; replace them.
      item[method] = { ...operation, ...described };
    }
  }
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...SCHEMAS } };
  return document;
}

/** Routes in the document without a description here. */
export function undocumentedRoutes(document: OpenAPIObject): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter(
      (method) => item[method] !== undefined && OPERATIONS[`${method} ${path}`] === undefined,
    ).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** Serves the UI at /docs and the document at /docs-json. */
export function setUpOpenApi(app: NestFastifyApplication): void {
  // The UI's assets are served with @fastify/static. Nest's adapter would require() it from its own
  // folder, where npm does not always put it (it lives under bank-app/node_modules), so it is
  // registered from here instead.
  const fastify = app.getHttpAdapter().getInstance();
  const withStatic = new Proxy(app, {
    get(target, property) {
      if (property === 'useStaticAssets') {
        return (options: FastifyStaticOptions) => {
          void fastify.register(fastifyStatic, options);
          return target;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  SwaggerModule.setup('docs', withStatic, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
