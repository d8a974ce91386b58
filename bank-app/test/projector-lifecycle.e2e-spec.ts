// The projector's lifecycle inside the application. kafkajs restarts a crashed consumer on a timer of
// its own. Closing the app while the projector was still connecting or joining its group crashes that
// consumer (its connections are torn down under it), and kafkajs used to bring it back after close()
// had returned: a projector nobody owned, writing to closed pools and keeping the process alive.
import { PinoLogger } from 'nestjs-pino';
import { loadAppConfig } from '../src/config/app-config';
import { startApp } from './support/app';
import { projectorGroupMembers } from './support/pipeline';
import { waitFor } from './support/wait-for';

const { sessionTimeoutMs } = loadAppConfig().projector;

afterEach(() => {
  jest.restoreAllMocks();
});

it('closing the app while its projector is still starting leaves no consumer behind', async () => {
  // kafkajs logs through a PinoLogger (KafkaModule's logCreator): "Restarting the consumer" is an error.
  const kafkaLines = [jest.spyOn(PinoLogger.prototype, 'error'), jest.spyOn(PinoLogger.prototype, 'warn')];

  // Closed while connecting: right after bootstrap started the projector, and then later and later
  // into its start-up (consumer, subscribe, run), where each step is a different race. The
  // delays choose when the close lands; no condition is awaited through them.
  for (const delayMs of [0, 25, 50, 100, 200, 400, 800]) {
    const app = await startApp();
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await app.close();
  }

  // Closed while joining: as soon as the group coordinator lists a member.
  const joining = await startApp();
  await waitFor(async () => ((await projectorGroupMembers()).length > 0 ? true : undefined), {
    description: 'the projector to ask to join its group',
    intervalMs: 20,
    timeoutMs: 60_000,
  });
  await joining.close();

  // A member that crashed mid-join stays listed until its session times out; a consumer restarted
  // behind the app's back would join again instead.
  await waitFor(async () => ((await projectorGroupMembers()).length === 0 ? true : undefined), {
    description: 'the projector group to have no members once every app is closed',
    timeoutMs: sessionTimeoutMs * 3,
  });
  const restarts = kafkaLines
    .flatMap((spy) => spy.mock.calls.flat() as unknown[])
    .filter((argument) => typeof argument === 'string' && argument.includes('Restarting the consumer'));
  expect(restarts).toEqual([]);
});
