import { Agent, createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { HttpsSnsFetcher } from '../../src/delivery-events/sns-verifier';
import { localCertificate } from '../support/certificate';

describe('HttpsSnsFetcher over real HTTPS', () => {
  const { key, cert } = localCertificate();
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  let server: Server;
  let base: string;
  let trusting: Agent;

  beforeAll(async () => {
    server = createServer({ key, cert }, (req, res) => {
      switch (req.url) {
        case '/SimpleNotificationService-test.pem':
          res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(PEM);
          return;
        case '/huge.pem':
          res.writeHead(200).end(Buffer.alloc(200 * 1024, 'a'));
          return;
        case '/trickle.pem': {
          res.writeHead(200);
          const drip = setInterval(() => res.write('a'), 50);
          res.on('close', () => clearInterval(drip));
          return;
        }
        case '/silent.pem':
          return; // never answers
        default:
          res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    trusting = new Agent({ ca: cert, keepAlive: false });
  });
  afterAll(async () => {
    trusting.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const fetcher = (options: { timeoutMs?: number; maxBytes?: number } = {}) =>
    new HttpsSnsFetcher({ agent: trusting, timeoutMs: 400, ...options });

  it('returns the body of a 200', async () => {
    await expect(fetcher().get(`${base}/SimpleNotificationService-test.pem`)).resolves.toBe(PEM);
  });

  it('refuses any other status, naming it', async () => {
    await expect(fetcher().get(`${base}/nope.pem`)).rejects.toThrow(/answered 404/);
  });

  it('cuts off an answer over the size cap', async () => {
    await expect(fetcher({ maxBytes: 64 * 1024 }).get(`${base}/huge.pem`)).rejects.toThrow(/too large/);
  });

  it('gives up on a server that stays silent, and on one that trickles past the deadline', async () => {
    await expect(fetcher().get(`${base}/silent.pem`)).rejects.toThrow(/timed out/);
    await expect(fetcher().get(`${base}/trickle.pem`)).rejects.toThrow(/timed out/);
  });

  it("checks the server's certificate: with the default agent a self-signed one is refused", async () => {
    await expect(
      new HttpsSnsFetcher({ timeoutMs: 2000 }).get(`${base}/SimpleNotificationService-test.pem`),
    ).rejects.toThrow(/self-signed|self signed/);
  });
});
