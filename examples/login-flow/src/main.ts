import { randomBytes } from 'node:crypto';
import { OtpClient } from '@notify-otp/client';
import { buildLoginFlow } from './app';

/** `npm run example:login-flow`: the example backend on PORT (3001), against the service at OTP_URL. */
async function main(): Promise<void> {
  const env = process.env;
  const otp = new OtpClient({
    baseUrl: env.OTP_URL ?? 'http://localhost:3000',
    apiKey: env.OTP_API_KEY ?? 'sandbox',
  });
  const { app } = buildLoginFlow({
    otp,
    sessionSecret: env.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    webhookSecret: env.OTP_WEBHOOK_SECRET,
    logger: true,
  });
  await app.listen({ port: Number(env.PORT ?? 3001), host: env.HOST ?? '127.0.0.1' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
