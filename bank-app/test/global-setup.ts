// Jest globalSetup: brings the real database's schema up to date before the specs run, and makes sure
// no bank-app outside the tests is projecting.
import { loadAppConfig, type AppConfig } from '../src/config/app-config';
import { runMigrations } from '../src/database/migrate';
import { projectorGroupMembers } from './support/pipeline';
import { waitFor } from './support/wait-for';

export default async function globalSetup(): Promise<void> {
  const config = loadAppConfig();
  await migrate(config);
  await expectNoOtherProjector(config);
}

async function migrate(config: AppConfig): Promise<void> {
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

/**
 * The specs start their own bank-apps and count what their projector does. Another member of the
 * projector's consumer group (a bank-app from `npm start`) would take partitions from them, and those
 * specs would time out far from the cause, so this fails first and names it. A member left by an app
 * that died goes when its session expires, hence the wait before failing.
 */
async function expectNoOtherProjector(config: AppConfig): Promise<void> {
  const { groupId, sessionTimeoutMs } = config.projector;
  let members: string[] = [];
  try {
    await waitFor(
      async () => {
        members = []; // a failed look-up must not leave the previous answer behind
        members = (await projectorGroupMembers(groupId)).map(
          (member) => `${member.clientId} from ${member.clientHost}`,
        );
        return members.length === 0 ? true : undefined;
      },
      { description: `consumer group ${groupId} to have no members`, timeoutMs: sessionTimeoutMs + 5_000 },
    );
  } catch (error) {
    if (members.length === 0) throw error; // Kafka itself did not answer: its own message says so.
    throw new Error(
      `Another bank-app is running the projector (consumer group ${groupId}: ${members.join(', ')}). ` +
        'The tests need the group to themselves: stop it (`npm start`, or a bank-app left running) ' +
        'and run the tests again.',
    );
  }
}
