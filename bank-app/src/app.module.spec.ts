// The app's module graph, compiled without infrastructure (the database replaced, nothing connected,
// no lifecycle hook run): every provider resolves, and each of the app's providers is declared by one
// module only, so there is one instance of each (one Kafka admin connection, one Druid client).
import { Global, Module, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import path from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { DatabaseModule } from './database/database.module';
import { DruidSqlClient } from './druid/druid-sql.client';
import { KafkaAdmin } from './kafka/kafka-admin';

const dataSource = { options: { type: 'mysql' }, entityMetadatas: [], getRepository: () => ({}) };

@Global()
@Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
class NoDatabaseModule {}

/** The classes exported by this app's own source files (not Nest's, not a library's). */
function ownClasses(): Set<unknown> {
  const sourceRoot = `${__dirname}${path.sep}`;
  return new Set(
    Object.values(require.cache)
      .filter((loaded) => loaded?.filename.startsWith(sourceRoot))
      .flatMap((loaded) => Object.values((loaded?.exports ?? {}) as Record<string, unknown>))
      .filter((value) => typeof value === 'function'),
  );
}

describe('AppModule', () => {
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(pino({ level: 'silent' }))] })
      .overrideModule(DatabaseModule)
      .useModule(NoDatabaseModule)
      .compile();
  });
  afterAll(() => moduleRef?.close());

  it('declares each of its providers in one module only', () => {
    const own = ownClasses();
    const declaredIn = new Map<unknown, string[]>();
    for (const module of moduleRef.get(ModulesContainer).values()) {
      for (const [token, wrapper] of module.providers) {
        if (token === module.metatype || !own.has(token) || wrapper.isAlias) continue;
        declaredIn.set(token, [...(declaredIn.get(token) ?? []), module.metatype.name]);
      }
    }
    const twice = [...declaredIn]
      .filter(([, modules]) => modules.length > 1)
      .map(([token, modules]) => `${(token as Type).name}: ${modules.join(', ')}`);

    expect(declaredIn.size).toBeGreaterThan(20); // the walk saw the app's providers
    expect(twice).toEqual([]);
  });

  it.each([
    ['KafkaAdmin', KafkaAdmin],
    ['DruidSqlClient', DruidSqlClient],
  ])('has one %s for the whole app', (_name, token: Type) => {
    expect(moduleRef.get(token, { strict: false, each: true })).toHaveLength(1);
  });
});
