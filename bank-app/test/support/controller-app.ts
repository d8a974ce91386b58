// One controller in a Fastify app with the real global wiring (the zod validation pipe, the
// problem-details filter, the JSON body parser and its 16 KiB limit) and its services replaced by the
// spec's mocks: the unit tier's controller specs send requests with app.inject(), no server, no stack.
import type { Provider, Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { BODY_LIMIT_BYTES, registerJsonParser } from '../../src/app.factory';
import { ProblemDetailsFilter } from '../../src/common/problem-details.filter';
import { ZodValidationPipe } from '../../src/common/validation.pipe';

export async function controllerApp(
  controller: Type,
  providers: Provider[],
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    controllers: [controller],
    providers: [
      ...providers,
      { provide: APP_PIPE, useClass: ZodValidationPipe },
      { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    { bodyParser: false, logger: false },
  );
  registerJsonParser(app.getHttpAdapter().getInstance());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** The VALIDATION_FAILED problem a refused request gets. */
export const validationProblem = (errors: object[]) => ({
  type: '/problems/validation-error',
  title: 'Invalid request',
  status: 400,
  detail: 'The request is invalid; see errors.',
  errors,
});
