// The one exception filter (registered with APP_FILTER): every error, from a controller, a service,
// Nest's router or Fastify's body parser, leaves as application/problem+json.
import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-details';

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { body, headers } = toProblem(error);

    // The client gets a fixed text; the log gets the real error, with the request id to find it.
    const where = `${request.method} ${request.url} requestId=${request.id} -> ${body.status}`;
    if (body.status === 503) {
      this.logger.warn(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    } else if (body.status >= 500) {
      this.logger.error(
        `${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    if (reply.sent) return; // e.g. the client went away after the response started

    void reply.status(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
  }
}
