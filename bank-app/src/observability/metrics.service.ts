// GET /metrics: Prometheus text format. One registry per application instance (the tests boot several
// in one process), holding the process's default metrics, HTTP requests by route and status, and the
// projector's counters, commit → projected latency and consumer-group lag.
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { CHANGE_TOPIC } from '../kafka/kafka.topics';
import { ProjectorStats } from '../projector/projector.stats';
import { KafkaAdmin } from '../kafka/kafka-admin';

/** Latency buckets (seconds): from a fast local hop to a pipeline that is minutes behind. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(stats: ProjectorStats, config: AppConfig, kafka: KafkaAdmin) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route (the route pattern, not the URL) and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });

    // The projector keeps plain counters (ProjectorStats); each scrape reads them.
    const fromStats = (name: string, help: string, read: () => number): void => {
      new Counter({
        name: `bankapp_projector_${name}_total`,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    };
    fromStats(
      'events_processed',
      'Change events of debit_card the projector processed.',
      () => stats.eventsProcessed,
    );
    fromStats(
      'withdrawals_published',
      'Withdrawals written to the read model and published to ministatement.',
      () => stats.withdrawalsPublished,
    );
    fromStats(
      'duplicates_skipped',
      'Change events skipped because Debezium re-sent a withdrawal already projected.',
      () => stats.duplicatesSkipped,
    );
    fromStats('dead_lettered', 'Poison change events sent to debit_card.dlq.', () => stats.deadLettered);
    fromStats('retries', 'Batch attempts that failed and were retried.', () => stats.retries);
    fromStats('restarts', 'Times the projector consumer was restarted.', () => stats.restarts);
    new Gauge({
      name: 'bankapp_projector_running',
      help: '1 when this instance consumes debit_card, else 0.',
      registers,
      collect() {
        this.set(stats.running ? 1 : 0);
      },
    });

    const latency = new Histogram({
      name: 'bankapp_projector_commit_to_projected_seconds',
      help:
        'From the database commit of a withdrawal (debit_card.last_withdrawn_at) to the commit of the ' +
        'Kafka transaction that published it (its statement line was written just before).',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    stats.onPublished((published, publishedAt) => {
      for (const withdrawal of published) {
        latency.observe(Math.max(0, publishedAt - Date.parse(withdrawal.transactionDate)) / 1000);
      }
    });

    const groupId = config.projector.groupId;
    new Gauge({
      name: 'bankapp_projector_consumer_lag',
      help: `Change events in ${CHANGE_TOPIC} the projector group has not committed, per partition (absent when Kafka does not answer).`,
      labelNames: ['partition'],
      registers,
      async collect() {
        this.reset();
        const partitions = await kafka.groupLag(groupId, CHANGE_TOPIC).catch(() => []);
        for (const { partition, lag } of partitions) this.set({ partition: String(partition) }, lag);
      },
    });
  }

  /** Called by the HTTP hook once a response is sent. */
  recordHttp(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
