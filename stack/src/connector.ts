// The Debezium connector's configuration. mysqlsource.json (the compose stack, MySQL connector) is the
// single source of truth; the local stack's MariaDB variant is derived from it here, overriding only
// what must differ: the connector class, the database address, the Kafka address and the secret's path.
import fs from 'node:fs';
import path from 'node:path';
import { database, host, paths, ports, repoRoot } from './settings';

export interface ConnectorSpec {
  name: string;
  config: Record<string, string>;
}

export function composeConnector(): ConnectorSpec {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'mysqlsource.json'), 'utf8')) as ConnectorSpec;
}

/** Where the local Connect worker reads the Debezium user's password (never in the connector config). */
export const localSecretsFile = path.join(paths.stackHome, 'secrets', 'debezium.properties');

export function writeLocalSecrets(): void {
  fs.mkdirSync(path.dirname(localSecretsFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(localSecretsFile, `password=${database.debezium.password}\n`, { mode: 0o600 });
}

/** The keys the local variant overrides, and why each must differ. */
export function localOverrides(kafkaBootstrap: string): Record<string, string> {
  return {
    // The MySQL connector does not support MariaDB; both emit the same envelope.
    'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
    'database.hostname': host,
    'database.port': String(ports.mariadb.port),
    'database.password': `\${file:${localSecretsFile}:password}`,
    'schema.history.internal.kafka.bootstrap.servers': kafkaBootstrap,
  };
}

export function localConnector(kafkaBootstrap: string): ConnectorSpec {
  const base = composeConnector();
  return { name: base.name, config: { ...base.config, ...localOverrides(kafkaBootstrap) } };
}
