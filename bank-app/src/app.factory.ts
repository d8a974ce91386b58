// Builds the HTTP application exactly as production runs it; main.ts and the e2e tests both use it,
// so the tests exercise the real body parsing, limits and request ids.
import fastifyStatic, { type FastifyStaticOptions } from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController, type FastifyInstance } from 'fastify';
import type { Level, Logger as PinoInstance } from 'pino';
import { AppModule } from './app.module';
import { DomainError, validationError } from './common/domain-error';
import { duplicateMember } from './common/duplicate-members';
import { setUpOpenApi } from './common/openapi';
import { REQUEST_ID_HEADER, requestIdFor } from './common/request-id';
import { loadAppConfig } from './config/app-config';
import { serveDashboard } from './dashboard/serve-dashboard';
import { appLogger, nestLogger } from './logging/app-logger';
import { MetricsService } from './observability/metrics.service';

/** Larger bodies are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface CreateAppOptions {
  /** The lowest level logged (info by default); the tests keep only warnings and errors. */
  logLevel?: Level;
}

/**
 * Swagger UI's assets go through useStaticAssets, which Nest's adapter require()s @fastify/static for
 * from its own folder. npm installs bank-app's @fastify/static (8.x, for Node 20) under bank-app, as
 * it is not the version the adapter's peer range names (10.x, which needs Node 22), so register it here.
 */
export class AppFastifyAdapter extends FastifyAdapter {
  override useStaticAssets(options: FastifyStaticOptions): this {
    void this.getInstance<FastifyInstance>().register(fastifyStatic, options);
    return this;
  }
}

/** Fastify as the app runs it: body limit, request ids, and the app's logger. */
export function createAdapter(logger: PinoInstance): AppFastifyAdapter {
  return new AppFastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdFor, // validates a client's X-Request-Id or makes a uuid
    requestIdHeader: false, // (the header is read by genReqId, after validation)
    // Fastify gives each request a child of the app's logger carrying its id; nestjs-pino hands that
    // child to every Logger used while the request is handled. The one line per request is ours (below).
    loggerInstance: logger,
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
  });
}

export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  // JSON lines unless LOG_FORMAT=pretty (or a terminal); a bad environment throws here, as in the module.
  const logger = appLogger(loadAppConfig().logging.format, options.logLevel ?? 'info');
  const adapter = createAdapter(logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(logger), adapter, {
    // Nest would add its own JSON and urlencoded parsers; JSON only is wanted (see below).
    bodyParser: false,
    // Errors at start-up (bad environment, database unreachable) reach main.ts instead of exiting here.
    abortOnError: false,
    logger: nestLogger(logger),
  });
  configureFastify(app.getHttpAdapter().getInstance(), app.get(MetricsService));
  setUpOpenApi(app); // GET /docs and /docs-json
  await serveDashboard(app); // GET /: the dashboard (bank-app/public) and Chart.js
  app.enableShutdownHooks(); // SIGTERM/SIGINT close the HTTP server, then the pool, in order
  return app;
}

export function configureFastify(
  fastify: FastifyInstance,
  metrics: Pick<MetricsService, 'recordHttp'>,
): void {
  registerJsonParser(fastify);

  // Echo the request id on every response, errors included (onRequest runs before body parsing).
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });

  // One log line (through the request's logger: it has the request id) and the HTTP metrics per
  // answered request. The route is the pattern ("/debitcards/:id"), never the URL, so the metrics'
  // label values stay few.
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.recordHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      {
        context: 'HTTP',
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });
}

/**
 * Bodies are JSON or nothing: any other content type (text/plain, forms) is a 415. A JSON syntax error
 * becomes a domain error, so the filter can tell "malformed JSON" from other 400s. Fastify's own parser
 * still refuses __proto__ and constructor.prototype; a repeated member name is refused after it.
 */
export function registerJsonParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8'); // always a string (parseAs)
    // The default parser answers through the callback; its return value carries nothing.
    void parseJson(request, text, (error, value) => {
      const duplicate = error ? undefined : duplicateMember(text);
      if (error) done(new DomainError('MALFORMED_JSON', 'The request body is not valid JSON.'), undefined);
      else if (duplicate)
        done(validationError([{ pointer: duplicate, detail: 'is given more than once' }]), undefined);
      else done(null, value);
    });
  });
}
