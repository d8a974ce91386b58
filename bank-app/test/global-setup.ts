// Jest globalSetup: brings the real database's schema up to date before the specs run.
import { loadAppConfig } from '../src/config/app-config';
import { runMigrations } from '../src/database/migrate';

export default async function globalSetup(): Promise<void> {
  const config = loadAppConfig();
  const { host, port, name } = config.database;
  try {
    await runMigrations(config);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `bank-app tests need MariaDB at ${host}:${port}/${name} (start it with ` +
        `\`npx tsx stack/src/cli.ts up mariadb\` from the repository root): ${reason}`,
    );
  }
}
