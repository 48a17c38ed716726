import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { publicUrl, startupLine } from './common/startup';
import { Settings } from './config/settings';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const settings = app.get(Settings);
  const { port, host } = settings.app;
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  const bound = typeof address === 'object' && address ? address.port : port;
  new Logger('Bootstrap').log(startupLine(settings, publicUrl(host, bound)));
}

// A start that fails (bad configuration, Redis unreachable, port taken) says why and exits 1, so the orchestrator
// restarts it, instead of aborting with a core dump or hanging on reconnects.
bootstrap().catch((error: unknown) => {
  new Logger('Bootstrap').error(`Startup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
