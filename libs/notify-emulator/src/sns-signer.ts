import { createHash, createSign, generateKeyPairSync, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import forge from 'node-forge';

/** What SNS POSTs to an HTTPS subscription (the fields its signature covers, plus the signature itself). */
export interface SignedSnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL?: string;
  SubscribeURL?: string;
  Token?: string;
}

export interface SnsSignerOptions {
  region: string;
  accountId: string;
  /** The topic the emulated configuration set publishes to. */
  topicName?: string;
  signatureVersion?: '1' | '2';
}

/**
 * Plays SNS for delivery events: a test RSA key and a self-signed certificate made at start-up (node:crypto makes
 * the key; node-forge writes the X.509, which node:crypto cannot), messages signed exactly as SNS signs them, and a
 * SigningCertURL on the real SNS host name so that a verifier keeps its production host check. The certificate is
 * never served over the network: hand `fetch` to the verifier as its fetcher.
 */
export class SnsSigner {
  readonly topicArn: string;
  readonly certificateUrl: string;
  readonly certificatePem: string;
  private readonly privateKey: KeyObject;
  private readonly signatureVersion: '1' | '2';
  private readonly confirmations = new Map<string, string>();
  private readonly confirmed = new Set<string>();

  constructor(private readonly options: SnsSignerOptions) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.certificatePem = selfSignedCertificate(privateKey, publicKey);
    const digest = createHash('md5').update(this.certificatePem).digest('hex');
    this.certificateUrl = `https://${this.host}/SimpleNotificationService-${digest}.pem`;
    this.topicArn = `arn:aws:sns:${options.region}:${options.accountId}:${options.topicName ?? 'notify-delivery-events'}`;
    this.signatureVersion = options.signatureVersion ?? '2';
  }

  get host(): string {
    return `sns.${this.options.region}.amazonaws.com`;
  }

  notification(
    message: string,
    now: Date,
    options: { messageId?: string; signatureVersion?: '1' | '2' } = {},
  ): SignedSnsMessage {
    return this.sign(
      {
        Type: 'Notification',
        MessageId: options.messageId ?? randomUUID(),
        TopicArn: this.topicArn,
        Message: message,
        Timestamp: now.toISOString(),
        UnsubscribeURL: `https://${this.host}/?Action=Unsubscribe&SubscriptionArn=${this.topicArn}:${randomUUID()}`,
      },
      options.signatureVersion,
    );
  }

  /** A SubscriptionConfirmation whose SubscribeURL `fetch` answers (and then counts as confirmed). */
  subscriptionConfirmation(now: Date): SignedSnsMessage {
    const token = randomBytes(32).toString('hex');
    const subscribeUrl =
      `https://${this.host}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(this.topicArn)}` +
      `&Token=${token}`;
    this.confirmations.set(subscribeUrl, token);
    return this.sign({
      Type: 'SubscriptionConfirmation',
      MessageId: randomUUID(),
      TopicArn: this.topicArn,
      Message: `You have chosen to subscribe to the topic ${this.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      Timestamp: now.toISOString(),
      SubscribeURL: subscribeUrl,
      Token: token,
    });
  }

  /** Tokens whose SubscribeURL was fetched. */
  confirmedTokens(): string[] {
    return [...this.confirmed];
  }

  /** Serves the certificate and confirms subscriptions, as SNS's own host would; anything else is a 404. */
  async fetch(url: string): Promise<string> {
    if (url === this.certificateUrl) return this.certificatePem;
    const token = this.confirmations.get(url);
    if (token !== undefined) {
      this.confirmed.add(token);
      return `<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>${this.topicArn}:${randomUUID()}</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`;
    }
    throw new Error(`The SNS emulator has nothing at ${url}`);
  }

  /** Signs the fields SNS signs, in its order: "Name\nvalue\n" for each one present. */
  sign(
    unsigned: Omit<SignedSnsMessage, 'Signature' | 'SigningCertURL' | 'SignatureVersion'>,
    version: '1' | '2' = this.signatureVersion,
  ): SignedSnsMessage {
    const fields =
      unsigned.Type === 'Notification'
        ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
        : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
    const text = fields
      .filter((name) => unsigned[name] !== undefined)
      .map((name) => `${name}\n${unsigned[name]}\n`)
      .join('');
    const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
      .update(text, 'utf8')
      .sign(this.privateKey, 'base64');
    return {
      ...unsigned,
      SignatureVersion: version,
      Signature: signature,
      SigningCertURL: this.certificateUrl,
    };
  }
}

function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject): string {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  certificate.serialNumber = `01${randomBytes(8).toString('hex')}`;
  const now = Date.now();
  certificate.validity.notBefore = new Date(now - 24 * 3600_000);
  certificate.validity.notAfter = new Date(now + 5 * 365 * 24 * 3600_000);
  const name = [
    { name: 'commonName', value: 'sns.amazonaws.com' },
    { name: 'organizationName', value: 'Notify emulator (test key)' },
  ];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  certificate.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}
