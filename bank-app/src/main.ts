// Entry point: `npm start -w bank-app` (after `npm run build`). The schema must already be migrated
// (`npm run migrate -w bank-app`): the app's database user cannot run DDL.
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig } from './config/app-config';

const logger = new Logger('Main');

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const { port, host } = app.get(AppConfig).http;
  try {
    await app.listen(port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      await app.close();
      throw new Error(`port ${port} is already in use (set APP_PORT to use another one)`);
    }
    throw error;
  }
  logger.log(`bank-app listening on http://${host}:${port}`);
}

bootstrap().catch((error: unknown) => {
  logger.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
