import 'reflect-metadata';
import { createApp } from './app.factory';
import { Settings } from './config/settings';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const { port, host } = app.get(Settings).app;
  await app.listen(port, host);
}

void bootstrap();
