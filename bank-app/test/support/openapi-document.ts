// The OpenAPI document without any infrastructure: every controller of AppModule's feature modules,
// with each dependency replaced by an empty mock (the document is read from the controllers' metadata;
// nothing is called). The unit tier lints it and type-checks a generated client against it.
import type { DynamicModule, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { buildOpenApiDocument } from '../../src/common/openapi';

/** The controllers of the modules AppModule imports, a dynamic module's (PipelineModule's) included. */
export function appControllers(): Type[] {
  const modules = (Reflect.getMetadata(MODULE_METADATA.IMPORTS, AppModule) ?? []) as (Type | DynamicModule)[];
  return modules.flatMap((module) => {
    const [metatype, dynamic] = 'module' in module ? [module.module, module.controllers ?? []] : [module, []];
    return [...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, metatype) ?? []) as Type[]), ...dynamic];
  });
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
