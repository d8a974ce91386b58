// GET /: the dashboard, a static page (bank-app/public) that calls the API from the browser: a
// withdrawal form, the live mini statement, every hop of the pipeline with its state and lag, Druid
// charts, a withdrawal's trace and the reconciliation. No build step: plain HTML, CSS and one
// vanilla JavaScript file, read once at start-up and served from memory.
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** bank-app/public, from src/dashboard (tsx, ts-jest) and from dist/dashboard (node) alike. */
export const PUBLIC_DIR = resolve(__dirname, '..', '..', 'public');

const asset = (name: string): string => readFileSync(resolve(PUBLIC_DIR, name), 'utf8');

@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly html = asset('index.html');
  private readonly script = asset('dashboard.js');
  private readonly style = asset('dashboard.css');

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  page(): string {
    return this.html;
  }

  @Get('dashboard.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  scriptFile(): string {
    return this.script;
  }

  @Get('dashboard.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  styleFile(): string {
    return this.style;
  }
}
