/** The body SNS POSTs to an HTTPS subscription. */
export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
}

const TYPES = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);

/** SNS's own hosts, e.g. sns.us-east-1.amazonaws.com and sns.cn-north-1.amazonaws.com.cn. */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** Reads a body defensively; null when it is not an SNS message. */
export function parseSnsMessage(body: unknown): SnsMessage | null {
  let value = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString());
    } catch {
      return null;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  const required = ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'Signature', 'SigningCertURL'];
  if (!required.every((key) => typeof m[key] === 'string')) return null;
  if (!TYPES.has(m.Type as string)) return null;
  if (m.SignatureVersion !== '1' && m.SignatureVersion !== '2') return null;
  for (const key of ['Subject', 'SubscribeURL', 'Token']) {
    if (m[key] !== undefined && m[key] !== null && typeof m[key] !== 'string') return null;
  }
  if (m.Type !== 'Notification' && (typeof m.SubscribeURL !== 'string' || typeof m.Token !== 'string')) {
    return null;
  }
  return m as unknown as SnsMessage;
}

/**
 * The text SNS signs: selected fields as "Name\nvalue\n", in byte order of their names. Notifications sign Subject
 * only when present; confirmations sign SubscribeURL and Token instead.
 */
export function snsStringToSign(message: SnsMessage): string {
  const fields =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields
    .filter((name) => typeof message[name as keyof SnsMessage] === 'string')
    .map((name) => `${name}\n${message[name as keyof SnsMessage]}\n`)
    .join('');
}

/** An https URL on an SNS host, default port, no credentials; `pem` also asks for a certificate path. */
export function isSnsUrl(raw: string, kind: 'pem' | 'any' = 'any'): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    SNS_HOST.test(url.hostname) &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    (kind === 'any' || (url.pathname.endsWith('.pem') && url.search === ''))
  );
}
