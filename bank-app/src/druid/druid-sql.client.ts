// The HTTP client of Druid's SQL endpoint (POST {broker}/druid/v2/sql). It bounds every query in time
// (Druid's own query timeout and the HTTP client's), and turns "Druid is down, restarting or too
// slow" into the ANALYTICS_UNAVAILABLE domain error (503 with Retry-After). Druid's error texts are
// logged, never shown to the client.
import { Injectable, Logger } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';

/** The datasource the Kafka supervisor fills from `ministatement` (bank-app-mini-statement-supervisor.json). */
export const DATASOURCE = 'bankapp';

export type DruidSqlParameter =
  | { type: 'VARCHAR'; value: string }
  /** Avatica's serial form of a TIMESTAMP: epoch milliseconds (UTC, as sqlTimeZone below). */
  | { type: 'TIMESTAMP'; value: number }
  | { type: 'INTEGER'; value: number };

/** The body of POST /druid/v2/sql. */
export interface DruidSqlRequest {
  query: string;
  parameters: DruidSqlParameter[];
  resultFormat: 'object';
  context: Record<string, string | number | boolean>;
}

/** Extra time the HTTP client gives Druid to report its own timeout before giving up on it. */
const CLIENT_GRACE_MS = 1000;

/** Statuses by which Druid says "not now": capacity exceeded, gateway, unavailable, query timeout. */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);

interface DruidErrorBody {
  errorCode?: string;
  errorMessage?: string;
  error?: string;
}

/** A Druid answer that is not rows: logged in full, then mapped to a client-safe error. */
export class DruidQueryError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'DruidQueryError';
  }
}

export const ANALYTICS_UNAVAILABLE_DETAIL =
  'The analytics store (Druid) is unavailable or did not answer in time. Retry later.';

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

@Injectable()
export class DruidSqlClient {
  private readonly logger = new Logger(DruidSqlClient.name);
  private readonly http: AxiosInstance;
  private readonly queryTimeoutMs: number;

  constructor(config: AppConfig) {
    this.queryTimeoutMs = config.druid.queryTimeoutMs;
    this.http = axios.create({
      baseURL: config.druid.brokerUrl,
      timeout: this.queryTimeoutMs + CLIENT_GRACE_MS,
      // The body is parsed here: a response cut off mid-stream must be an error, not a string.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxContentLength: 16 * 1024 * 1024,
      headers: { Accept: 'application/json' },
    });
  }

  /**
   * Runs one query and returns its rows. A datasource that does not exist yet (nothing ingested, or
   * all segments dropped during a rebuild) gives no rows. Throws ANALYTICS_UNAVAILABLE when Druid is
   * unreachable, overloaded or too slow; any other failure (a bad query is a bug) surfaces as a 500.
   */
  async query<Row>(request: DruidSqlRequest): Promise<Row[]> {
    try {
      return await this.send<Row>(request);
    } catch (error) {
      if (error instanceof DruidQueryError && !error.transient) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Druid SQL query failed, answering 503: ${reason}`);
      throw new DomainError('ANALYTICS_UNAVAILABLE', ANALYTICS_UNAVAILABLE_DETAIL);
    }
  }

  private async send<Row>(request: DruidSqlRequest): Promise<Row[]> {
    const body: DruidSqlRequest = {
      ...request,
      context: { ...request.context, timeout: this.queryTimeoutMs },
    };
    // Network errors and the client timeout reject here (transient by nature).
    const response = await this.http.post<string>('/druid/v2/sql', body);
    const parsed = parseBody(response.data);
    if (response.status === 200) {
      if (!Array.isArray(parsed)) {
        // Druid streams rows; an error after the first byte truncates the array.
        throw new DruidQueryError('Druid returned an incomplete or non-array result', true);
      }
      return parsed as Row[];
    }
    const error = (parsed ?? {}) as DruidErrorBody;
    const message = `Druid answered ${response.status} ${error.errorCode ?? error.error ?? ''}: ${
      error.errorMessage ?? String(response.data).slice(0, 300)
    }`;
    if (isMissingDatasource(error)) return [];
    throw new DruidQueryError(message, TRANSIENT_STATUSES.has(response.status));
  }
}

/** Druid's answer to a query on a datasource that has no segments (yet): "Object 'bankapp' not found". */
function isMissingDatasource(error: DruidErrorBody): boolean {
  return (
    error.errorCode === 'invalidInput' &&
    typeof error.errorMessage === 'string' &&
    error.errorMessage.startsWith(`Object '${DATASOURCE}' not found`)
  );
}
