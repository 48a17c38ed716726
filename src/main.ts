import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { Settings } from './config/settings';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const { port, host } = app.get(Settings).app;
  await app.listen(port, host);
}

// A start that fails (bad configuration, Redis unreachable, port taken) says why and exits 1, so the orchestrator
// restarts it, instead of aborting with a core dump or hanging on reconnects.
bootstrap().catch((error: unknown) => {
  new Logger('Bootstrap').error(`Startup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
