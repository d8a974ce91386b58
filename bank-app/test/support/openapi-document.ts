// The OpenAPI document without any infrastructure: every controller of AppModule's feature modules,
// with each dependency replaced by an empty mock (the document is read from the controllers' metadata;
// nothing is called). The unit tier lints it and type-checks a generated client against it.
import { MODULE_METADATA } from '@nestjs/common/constants';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { buildOpenApiDocument } from '../../src/common/openapi';

/** The controllers of the modules AppModule imports. */
export function appControllers(): NonNullable<Parameters<typeof Test.createTestingModule>[0]['controllers']> {
  const modules = (Reflect.getMetadata(MODULE_METADATA.IMPORTS, AppModule) ?? []) as object[];
  return modules.flatMap(
    (module) => (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) ?? []) as never[],
  );
}

export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const moduleRef = await Test.createTestingModule({ controllers: appControllers() })
    .useMocker(() => ({}))
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
