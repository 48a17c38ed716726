import { createHash, randomBytes } from 'node:crypto';

/** Prints a new API key and the API_KEYS entry that accepts it. The service only ever stores the digest. */
const name = process.argv[2] ?? 'client';
if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
  console.error('usage: npm run api-key -- <name>   (name: letters, digits, "_", "." or "-")');
  process.exit(2);
}
const key = `otp_${randomBytes(24).toString('base64url')}`;
const digest = createHash('sha256').update(key).digest('hex');
console.log(`API key for "${name}" (give it to the client; it is shown once):\n  ${key}\n`);
console.log(`Add to API_KEYS (comma-separated with the others):\n  ${name}:${digest}`);
