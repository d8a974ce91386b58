// Brings components up (idempotently), down (by recorded pid) and reports their state.
import { components, withDependencies, type Component } from './components';
import { ensureDebianPackages, ensureJars } from './install';
import { java17 } from './java';
import { progress, table } from './output';
import { portIsFree } from './probes';
import { logFile, runningPid, startProcess, stopProcess, tailLog } from './processes';
import { waitFor } from './wait';

export class ComponentFailed extends Error {}

async function checkPortsFree(component: Component): Promise<void> {
  for (const { port, variable } of component.ports) {
    if (!(await portIsFree(port))) {
      throw new ComponentFailed(
        `${component.name}: port ${port} is already in use by another program. ` +
          `Stop that program, or move ${component.name} with ${variable}=<free port>.`,
      );
    }
  }
}

function failure(component: Component, reason: string): ComponentFailed {
  return new ComponentFailed(
    `${component.name} did not come up: ${reason}\n--- last lines of ${logFile(component.name)} ---\n` +
      `${tailLog(component.name)}\n--- full log: ${logFile(component.name)}`,
  );
}

async function startOne(component: Component): Promise<boolean> {
  if (runningPid(component.name) !== undefined) {
    // Already ours and running: wait for readiness (it may still be starting) but change nothing.
    await waitFor(`${component.name}: ${component.waitingFor}`, () => component.ready(), {
      timeoutMs: component.startTimeoutMs,
      intervalMs: 500,
    });
    return false;
  }
  await checkPortsFree(component);
  await component.prepare();
  const started = Date.now();
  const pid = startProcess(component.name, component.command());
  progress(component.name, `started (pid ${pid}), waiting for ${component.waitingFor}`);
  try {
    await waitFor(
      component.waitingFor,
      async () => {
        if (runningPid(component.name) === undefined) throw failure(component, 'the process exited');
        return component.ready();
      },
      { timeoutMs: component.startTimeoutMs, intervalMs: 500 },
    );
  } catch (error) {
    if (error instanceof ComponentFailed) throw error;
    throw failure(component, (error as Error).message);
  }
  if (component.afterReady) await component.afterReady();
  progress(component.name, `ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/**
 * Starts the named components (all when none is named) and what they need; each starts as soon as
 * the components it needs are ready. Records in `startedNames` (and returns) the components this call
 * started, even when a later one fails, so the caller can stop exactly those.
 */
export async function up(names: string[] = [], startedNames: string[] = []): Promise<string[]> {
  const wanted = names.length > 0 ? withDependencies(names) : components;
  ensureDebianPackages();
  if (wanted.some((component) => component.name !== 'mariadb')) {
    java17();
    await ensureJars();
  }
  const done = new Map<string, Promise<void>>();
  const launch = (component: Component): Promise<void> => {
    let promise = done.get(component.name);
    if (!promise) {
      promise = (async () => {
        await Promise.all(
          component.after.map((dependency) => {
            const needed = wanted.find((candidate) => candidate.name === dependency);
            return needed ? launch(needed) : Promise.resolve();
          }),
        );
        if (await startOne(component)) startedNames.push(component.name);
      })();
      done.set(component.name, promise);
    }
    return promise;
  };
  const results = await Promise.allSettled(wanted.map(launch));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return startedNames;
}

/**
 * Stops exactly the named components, in reverse start order. No names stops nothing: `npm start` and
 * `npm test` pass what they started, and a developer's stack that was already running must survive them.
 */
export async function down(names: readonly string[]): Promise<string[]> {
  const targets = components.filter((component) => names.includes(component.name)).reverse();
  const stopped: string[] = [];
  for (const component of targets) {
    if (await stopProcess(component.name)) {
      progress(component.name, 'stopped');
      stopped.push(component.name);
    }
  }
  return stopped;
}

export interface ComponentStatus {
  name: string;
  port: number;
  pid?: number;
  state: 'ready' | 'starting' | 'down';
}

export async function status(): Promise<ComponentStatus[]> {
  return Promise.all(
    components.map(async (component) => {
      const pid = runningPid(component.name);
      if (pid === undefined)
        return { name: component.name, port: component.port.port, state: 'down' as const };
      const ready = await component.ready().catch(() => false);
      return {
        name: component.name,
        port: component.port.port,
        pid,
        state: ready ? ('ready' as const) : ('starting' as const),
      };
    }),
  );
}

export function statusTable(rows: ComponentStatus[]): string {
  return table(
    ['component', 'port', 'pid', 'state', 'log'],
    rows.map((row) => [
      row.name,
      String(row.port),
      row.pid ? String(row.pid) : '-',
      row.state,
      logFile(row.name),
    ]),
  );
}
