// The Druid Kafka supervisor that ingests `ministatement` into the `bankapp` datasource:
// bank-app-mini-statement-supervisor.json, exactly as a user posts it with curl. Its Kafka address comes
// from the environment of Druid's own processes (`druid.dynamic.config.provider` of type `environment`),
// which each stack sets, so the file fits both stacks unchanged.
import axios, { type AxiosError } from 'axios';
import fs from 'node:fs';
import path from 'node:path';
import { kafkaBootstrap, repoRoot } from './settings';
import { waitFor } from './wait';

export interface SupervisorSpec {
  type: 'kafka';
  spec: {
    dataSchema: { dataSource: string };
    ioConfig: { topic: string; consumerProperties: Record<string, unknown> };
  };
}

export function supervisorSpec(): SupervisorSpec {
  const file = path.join(repoRoot, 'bank-app-mini-statement-supervisor.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SupervisorSpec;
}

/** The environment variables the supervisor's dynamic config provider reads, by consumer property. */
export function supervisorEnvVariables(spec: SupervisorSpec = supervisorSpec()): Record<string, string> {
  const provider = spec.spec.ioConfig.consumerProperties['druid.dynamic.config.provider'] as
    { type: string; variables: Record<string, string> } | undefined;
  return provider?.type === 'environment' ? provider.variables : {};
}

/** What the local stack's Druid processes (the overlord's supervisor, the indexer's tasks) resolve. */
export function localDruidEnvironment(): Record<string, string> {
  return { KAFKA_BOOTSTRAP_SERVERS: kafkaBootstrap };
}

/** The overlord's `…/supervisor/<id>/status` payload, the fields read here and by the bench. */
export interface SupervisorStatus {
  state: string;
  detailedState: string;
  /** Records not yet read, all partitions together; per partition in minimumLag. */
  aggregateLag?: number | null;
  minimumLag?: Record<string, number>;
}

export async function supervisorStatus(overlordUrl: string, id: string): Promise<SupervisorStatus> {
  const response = await axios.get<{ payload: SupervisorStatus }>(
    `${overlordUrl}/druid/indexer/v1/supervisor/${id}/status`,
    { timeout: 5000 },
  );
  return response.data.payload;
}

/**
 * Create-or-update (Druid replaces a supervisor with the same id), then wait for RUNNING. An unchanged
 * spec leaves the running supervisor alone (skipRestartIfUnmodified): otherwise every `register` would
 * make the reading task stop early and publish, and a Druid restart during that publish stalls
 * ingestion for minutes.
 */
export async function registerSupervisor(overlordUrl: string, spec: SupervisorSpec): Promise<string> {
  const id = spec.spec.dataSchema.dataSource;
  try {
    await axios.post(`${overlordUrl}/druid/indexer/v1/supervisor`, spec, {
      params: { skipRestartIfUnmodified: true },
      timeout: 30_000,
    });
  } catch (error) {
    const axiosError = error as AxiosError;
    const detail = axiosError.response
      ? `Druid answered ${axiosError.response.status}: ${JSON.stringify(axiosError.response.data)}`
      : `Druid's overlord is unreachable (${axiosError.code ?? axiosError.message})`;
    throw new Error(`registering supervisor ${id} at ${overlordUrl} failed: ${detail}`);
  }
  let state = 'unknown';
  await waitFor(
    `Druid supervisor ${id} to be RUNNING`,
    async () => {
      const status = await supervisorStatus(overlordUrl, id);
      state = `${status.state}/${status.detailedState}`;
      return status.state === 'RUNNING';
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last state ${state}`);
  });
  return id;
}
