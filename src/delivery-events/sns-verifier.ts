import { createVerify, X509Certificate } from 'node:crypto';
import { Agent, get } from 'node:https';
import { isSnsUrl, SnsMessage, snsStringToSign } from './sns-message';

/**
 * Fetches a URL that `isSnsUrl` has approved: a signing certificate, or a SubscribeURL to confirm. A port so that
 * tests (and the sandbox's emulator) can serve their own certificate; the host check stays in the verifier.
 */
export abstract class SnsFetcher {
  abstract get(url: string): Promise<string>;
}

export interface HttpsSnsFetcherOptions {
  /** Default 5 s for the whole answer, however the server spends it (silent or trickling). */
  timeoutMs?: number;
  /** Default 64 KiB; an SNS certificate is about 2 KiB. */
  maxBytes?: number;
  /** Default: Node's global agent, which trusts the system's CAs. Tests pass one that trusts their own. */
  agent?: Agent;
}

/** Plain HTTPS GET with a timeout and a size cap; only a 200 counts. */
export class HttpsSnsFetcher extends SnsFetcher {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly agent?: Agent;

  constructor(options: HttpsSnsFetcherOptions = {}) {
    super();
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxBytes = options.maxBytes ?? 64 * 1024;
    this.agent = options.agent;
  }

  get(url: string): Promise<string> {
    return new Promise((resolve, reject) => {
      // One deadline for the whole answer: a socket timeout would only see silence, not a server that trickles bytes.
      const deadline = setTimeout(() => request.destroy(new Error('timed out')), this.timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(deadline);
        reject(error);
      };
      const request = get(url, { agent: this.agent }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          fail(new Error(`GET ${new URL(url).host} answered ${response.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBytes) request.destroy(new Error('response too large'));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          clearTimeout(deadline);
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        response.on('error', fail);
      });
      request.on('error', fail);
    });
  }
}

export type SnsVerdict = { valid: true } | { valid: false; reason: string };

const MAX_CACHED_CERTIFICATES = 32;

/**
 * Checks an SNS message's signature as AWS documents it: the certificate must come from an https URL on an SNS
 * host (always checked, whatever the fetcher), SignatureVersion 1 is RSA-SHA1 and 2 RSA-SHA256 over the canonical
 * string, and the certificate must be within its validity. Certificates are cached by URL.
 */
export class SnsVerifier {
  private readonly certificates = new Map<string, Promise<X509Certificate>>();

  constructor(
    private readonly fetcher: SnsFetcher,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(message: SnsMessage): Promise<SnsVerdict> {
    if (!isSnsUrl(message.SigningCertURL, 'pem')) {
      return { valid: false, reason: 'the signing certificate is not on an https SNS URL' };
    }
    let certificate: X509Certificate;
    try {
      certificate = await this.certificate(message.SigningCertURL);
    } catch (error) {
      return { valid: false, reason: `the signing certificate is unusable: ${(error as Error).message}` };
    }
    const now = this.now();
    if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now) {
      return { valid: false, reason: 'the signing certificate is not valid now' };
    }
    const algorithm = message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256';
    let valid = false;
    try {
      valid = createVerify(algorithm)
        .update(snsStringToSign(message), 'utf8')
        .verify(certificate.publicKey, message.Signature, 'base64');
    } catch {
      valid = false;
    }
    return valid ? { valid: true } : { valid: false, reason: 'the signature does not match' };
  }

  private certificate(url: string): Promise<X509Certificate> {
    let cached = this.certificates.get(url);
    if (!cached) {
      if (this.certificates.size >= MAX_CACHED_CERTIFICATES) {
        this.certificates.delete(this.certificates.keys().next().value as string);
      }
      cached = this.fetcher.get(url).then((pem) => new X509Certificate(pem));
      // A failed fetch is not remembered: the next message tries again.
      cached.catch(() => this.certificates.delete(url));
      this.certificates.set(url, cached);
    }
    return cached;
  }
}
