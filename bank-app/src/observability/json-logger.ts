// Structured logs: one JSON object per line on stdout (errors on stderr), for log shippers. Every line
// has time, level, context and msg; a line logged while a request is handled has its requestId; a line
// that names a Kafka position ("debit_card[2]@41", as the projector writes them) also has topic,
// partition and offset as fields, so a shipper can filter on them without parsing text.
import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';

/** "debit_card[2]" or "debit_card[2]@41" inside a message. */
const KAFKA_POSITION = /\b([A-Za-z0-9._-]+)\[(\d+)\](?:@(\d+))?/;

export type LogFields = Record<string, unknown>;

/** The JSON object of one log line (pure, so it is unit-tested). */
export function logRecord(
  level: LogLevel,
  message: unknown,
  context: string | undefined,
  now: Date,
): LogFields {
  const record: LogFields = { time: now.toISOString(), level };
  if (context !== undefined) record.context = context;
  const requestId = currentRequestId();
  if (requestId !== undefined) record.requestId = requestId;
  if (typeof message === 'object' && message !== null && !(message instanceof Error)) {
    Object.assign(record, message); // a structured line: logger.log({ msg, ...fields })
  } else {
    const text = message instanceof Error ? message.message : String(message);
    record.msg = text;
    const position = KAFKA_POSITION.exec(text);
    if (position !== null) {
      record.topic = position[1];
      record.partition = Number(position[2]);
      if (position[3] !== undefined) record.offset = position[3];
    }
  }
  return record;
}

/**
 * stdout lines of one event-loop turn, written with one call. Node writes to a file or pipe
 * synchronously, and one write per line (a line per request) cost the command path a visible share
 * of its throughput (docs/benchmarks.md). What is pending is flushed when the process exits; errors go
 * to stderr at once.
 */
class TurnBuffer {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    process.once('exit', () => this.flush());
  }

  write(line: string): void {
    this.pending.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.stream.write(chunk);
  }
}

let stdoutBuffer: TurnBuffer | undefined;

/** Nest's LoggerService writing JSON lines; levels below the enabled ones are dropped. */
export class JsonLogger implements LoggerService {
  private levels: Set<LogLevel>;

  constructor(levels: LogLevel[] = ['log', 'error', 'warn']) {
    this.levels = new Set(levels);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.levels = new Set(levels);
  }

  log(message: unknown, context?: string): void {
    this.write('log', message, context);
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    // Nest calls error(message, stack, context), or error(message, context) when there is no stack.
    const ctx = context ?? (stackOrContext?.includes('\n') ? undefined : stackOrContext);
    const stack = context !== undefined || stackOrContext?.includes('\n') ? stackOrContext : undefined;
    this.write('error', message, ctx, stack === undefined ? {} : { stack });
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('verbose', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: LogLevel, message: unknown, context: string | undefined, extra: LogFields = {}): void {
    if (!this.levels.has(level)) return;
    const line = `${JSON.stringify({ ...logRecord(level, message, context, new Date()), ...extra })}\n`;
    if (level === 'error' || level === 'fatal') {
      process.stderr.write(line);
      return;
    }
    stdoutBuffer ??= new TurnBuffer(process.stdout);
    stdoutBuffer.write(line);
  }
}

/** The app's logger for a format: JSON lines, or Nest's own coloured text. */
export function createLogger(format: 'json' | 'pretty', levels: LogLevel[]): LoggerService {
  if (format === 'json') return new JsonLogger(levels);
  const logger = new ConsoleLogger();
  logger.setLogLevels(levels);
  return logger;
}
