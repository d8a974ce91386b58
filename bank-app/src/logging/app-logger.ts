// The app's logger: pino, one JSON object per line (LOG_FORMAT=json, the default when stdout is not a
// terminal) or coloured text (pretty, through pino-pretty, a dev dependency). Nest's Logger, Fastify's
// per-request logger and kafkajs all write through it (nestjs-pino): every line has time, level and
// msg, a context where one is known, and the request id when it is logged while a request is handled.
//
// Lines go to stdout through an asynchronous destination, so a busy process hands them over in chunks
// rather than one write per line (a write per line cost the command path a tenth of its throughput,
// docs/benchmarks.md). Errors go to stderr synchronously, so the last words of a process that is about
// to die are not left in a buffer. pino flushes the rest when the process exits.
import type { DynamicModule, LoggerService } from '@nestjs/common';
import { Logger, LoggerModule, PinoLogger, type Params } from 'nestjs-pino';
import pino, { type DestinationStream, type Level } from 'pino';

export type LogFormat = 'json' | 'pretty';

const created = new Map<string, pino.Logger>();

/**
 * The process's logger for a format and a level. One per process and setting (the e2e tests boot many
 * apps in one process), so every line goes through one destination per stream.
 */
export function appLogger(format: LogFormat, level: Level): pino.Logger {
  const key = `${format}:${level}`;
  let logger = created.get(key);
  if (logger === undefined) {
    // Without pino-pretty (a production image), JSON.
    logger = lineLogger(level, format === 'pretty' ? (prettyStream() ?? jsonStreams()) : jsonStreams());
    created.set(key, logger);
  }
  return logger;
}

/** A logger writing the app's lines to `stream`. */
export function lineLogger(level: Level, stream: DestinationStream): pino.Logger {
  return pino(
    {
      level,
      base: undefined, // no pid and hostname on every line
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

function jsonStreams(): DestinationStream {
  return pino.multistream(
    [
      { level: 'trace', stream: pino.destination({ dest: 1, sync: false }) },
      { level: 'error', stream: pino.destination({ dest: 2, sync: true }) },
    ],
    { dedupe: true }, // each line to the stream of its level only
  );
}

/** pino-pretty when it is installed (a dev dependency: a production image logs JSON). */
function prettyStream(): DestinationStream | undefined {
  let pretty: typeof import('pino-pretty');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pretty = require('pino-pretty') as typeof import('pino-pretty');
  } catch {
    return undefined;
  }
  return pretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    messageFormat: '{if context}[{context}] {end}{msg}',
    ignore: 'context',
    singleLine: true,
  });
}

/** nestjs-pino's settings: the request logger is Fastify's (a child of `logger` with the request id). */
function params(logger: pino.Logger): Params {
  return { pinoHttp: { logger }, useExisting: true };
}

/** LoggerModule (global): PinoLogger for injection, and the request's logger bound to each request. */
export function loggerModule(logger: pino.Logger): DynamicModule {
  return LoggerModule.forRoot(params(logger));
}

/** Nest's logger, given to NestFactory so that start-up (and a failed start) logs through pino too. */
export function nestLogger(logger: pino.Logger): LoggerService {
  const settings = params(logger);
  return new Logger(new PinoLogger(settings), settings);
}
