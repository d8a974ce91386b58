// The entities and the migrations describe the same schema. The migrations create it (global-setup.ts
// has applied them to the real database); TypeORM's schema builder, given the entities, must then find
// nothing to change. It does not look at CHECK constraints on MySQL or MariaDB, so this compares those
// with information_schema itself. Reads the schema only: nothing is changed, no bank-app is started.
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../src/config/app-config';
import { migratorDataSourceOptions } from '../src/database/data-source-options';
import { DebitCardEntity } from '../src/debit-cards/debit-card.entity';
import { CardBaselineEntity } from '../src/projector/card-baseline.entity';
import { MoneyWithdrawalEntity } from '../src/projector/money-withdrawal.entity';
import { IdempotencyKeyEntity } from '../src/withdrawals/idempotency-key.entity';

/** Every table's entity, from the feature folders that own them. */
const ENTITIES = [DebitCardEntity, MoneyWithdrawalEntity, CardBaselineEntity, IdempotencyKeyEntity];

/**
 * The migrator's DataSource with every entity, as the flavour the server is. TypeORM reads MariaDB's
 * information_schema correctly only as `mariadb` (it quotes column defaults, for one), while the
 * app's options say `mysql`, which both servers accept for everything else.
 */
async function openSchemaDataSource(): Promise<DataSource> {
  const options = { ...migratorDataSourceOptions(loadAppConfig()), entities: ENTITIES };
  if (options.type !== 'mysql') throw new Error(`unexpected database type ${options.type}`);
  const probe = await new DataSource(options).initialize();
  let isMariaDb: boolean;
  try {
    const [{ version }] = await probe.query<{ version: string }[]>('SELECT VERSION() AS version');
    isMariaDb = version.includes('MariaDB');
  } finally {
    await probe.destroy();
  }
  return new DataSource({ ...options, type: isMariaDb ? 'mariadb' : 'mysql' }).initialize();
}

/** The server's spelling of a CHECK clause (backticks, lower case, MySQL's extra parentheses) ignored. */
const normalise = (clause: string): string => clause.replace(/[`\s()]/g, '').toLowerCase();

describe('entities and migrations (e2e)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openSchemaDataSource();
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('knows every table the migrations create', () => {
    const tables = dataSource.entityMetadatas.map((metadata) => metadata.tableName).sort();

    expect(tables).toEqual(['card_baseline', 'debit_card', 'idempotency_key', 'money_withdrawal']);
  });

  it('leaves the schema builder nothing to change', async () => {
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();

    // The statements themselves, so a failure says which column or index differs.
    expect(upQueries.map((query) => query.query)).toEqual([]);
  });

  it('declares the CHECK constraints the tables have', async () => {
    const tables = dataSource.entityMetadatas.map((metadata) => metadata.tableName);
    const inDatabase = await dataSource.query<{ table: string; name: string; clause: string }[]>(
      `SELECT TABLE_NAME AS \`table\`, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
         FROM information_schema.CHECK_CONSTRAINTS
        WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME IN (${tables.map(() => '?').join(', ')})`,
      tables,
    );
    const inEntities = dataSource.entityMetadatas.flatMap((metadata) =>
      metadata.checks.map((check) => ({
        table: metadata.tableName,
        name: check.name,
        clause: check.expression ?? '',
      })),
    );

    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    const comparable = (checks: { table: string; name: string; clause: string }[]) =>
      checks.map((check) => ({ ...check, clause: normalise(check.clause) })).sort(byName);
    expect(comparable(inEntities)).toEqual(comparable(inDatabase));
  });
});
