import { Module } from '@nestjs/common';
import { DruidSqlClient } from './druid-sql.client';
import { DruidSupervisorClient } from './druid-supervisor.client';

/**
 * Druid, for every module that talks to it: the SQL client (the broker; analytics, reconcile, trace,
 * the lag per hop) and the supervisor's status (the overlord; readiness and /pipeline/status). One
 * instance of each for the whole app.
 */
@Module({
  providers: [DruidSqlClient, DruidSupervisorClient],
  exports: [DruidSqlClient, DruidSupervisorClient],
})
export class DruidModule {}
