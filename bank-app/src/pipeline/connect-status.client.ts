// Reads the state of the Debezium connector (and its tasks) from the Kafka Connect REST API.
import { Injectable } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';
import { AppConfig } from '../config/app-config';

/** The connector `npm run register` creates (mysqlsource.json / the local variant). */
export const CONNECTOR_NAME = 'debit-card-source';

export interface ConnectorStatus {
  /** RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED, RESTARTING. */
  state: string;
  tasks: { id: number; state: string }[];
}

@Injectable()
export class ConnectStatusClient {
  private readonly http: AxiosInstance;

  constructor(config: AppConfig) {
    this.http = axios.create({ baseURL: config.connect.url, timeout: config.health.checkTimeoutMs });
  }

  async connectorStatus(): Promise<ConnectorStatus> {
    const { data } = await this.http.get<{
      connector?: { state?: string };
      tasks?: { id: number; state: string }[];
    }>(`/connectors/${CONNECTOR_NAME}/status`);
    return {
      state: data.connector?.state ?? 'UNKNOWN',
      tasks: (data.tasks ?? []).map(({ id, state }) => ({ id, state })),
    };
  }
}
