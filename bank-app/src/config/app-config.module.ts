// @nestjs/config's ConfigModule reads the environment (and an optional .env in the working directory;
// real variables win), validates it with the zod schema and stops start-up on a bad value. The rest of
// the app injects the typed AppConfig built from it, never ConfigService or process.env.
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig, toAppConfig } from './app-config';
import { EnvSchema, validateEnv, type Env } from './env.schema';

@Global()
@Module({})
export class AppConfigModule {
  /** Reads the environment of the moment it is called: each app, tests' included, validates its own. */
  static forRoot(): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ validate: validateEnv })],
      providers: [
        {
          provide: AppConfig,
          inject: [ConfigService],
          useFactory: (config: ConfigService<Env, true>) =>
            toAppConfig(
              Object.fromEntries(
                Object.keys(EnvSchema.shape).map((name) => [name, config.get(name as keyof Env)]),
              ) as Env,
            ),
        },
      ],
      exports: [AppConfig],
    };
  }
}
