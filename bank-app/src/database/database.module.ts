import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { appDataSourceOptions } from './data-source-options';

/**
 * The app's connection pool (DML-only user). Retries at start-up while the database comes up. Each
 * feature module registers its entities (TypeOrmModule.forFeature), and the DataSource loads them.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...appDataSourceOptions(config),
        autoLoadEntities: true,
        retryAttempts: 10,
        retryDelay: 3000,
      }),
    }),
  ],
})
export class DatabaseModule {}
