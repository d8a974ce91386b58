import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblem } from '../common/openapi';
import { NoQueryDto } from '../common/schemas';
import { MetricsService } from './metrics.service';

/** GET /metrics: Prometheus text exposition format. */
@ApiTags('pipeline')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiResponse({
    status: 200,
    description: 'Process, HTTP and projector metrics.',
    schema: { type: 'string' },
  })
  @ApiProblem(400, 'An unknown query parameter.')
  async scrape(
    @Query() _query: NoQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    void reply.type(this.metrics.contentType);
    return this.metrics.metrics();
  }
}
