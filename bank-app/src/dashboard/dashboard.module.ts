import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** GET /: the dashboard page and its two assets. */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
