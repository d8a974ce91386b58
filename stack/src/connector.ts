// The Debezium connector: mysqlsource.json, exactly as a user posts it with curl. The file names no
// address and no secret: its `${env:NAME}` placeholders are resolved by Kafka Connect's
// EnvVarConfigProvider from the worker's own environment, which each stack sets for its worker (the
// launcher below, docker-compose.yml for compose). So one file, unchanged, fits both stacks.
import fs from 'node:fs';
import path from 'node:path';
import { database, host, kafkaBootstrap, ports, repoRoot } from './settings';

export interface ConnectorSpec {
  name: string;
  config: Record<string, string>;
}

export function connectorSpec(): ConnectorSpec {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'mysqlsource.json'), 'utf8')) as ConnectorSpec;
}

/** The names of the environment variables that a connector config reads through `${env:NAME}`. */
export function envPlaceholders(config: Record<string, string>): string[] {
  const names = Object.values(config).flatMap((value) =>
    [...value.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1]),
  );
  return [...new Set(names)].sort();
}

/** The local Connect worker's values for mysqlsource.json's placeholders. */
export function localConnectEnvironment(): Record<string, string> {
  return {
    // Debezium's MySQL connector does not support MariaDB; both emit the same change events.
    DEBEZIUM_CONNECTOR_CLASS: 'io.debezium.connector.mariadb.MariaDbConnector',
    DEBEZIUM_DB_HOST: host,
    DEBEZIUM_DB_PORT: String(ports.mariadb.port),
    DEBEZIUM_DB_PASSWORD: database.debezium.password,
    KAFKA_BOOTSTRAP_SERVERS: kafkaBootstrap,
  };
}
