import {
  PinpointSMSVoiceV2Client,
  SendNotifyTextMessageCommand,
  SendNotifyVoiceMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_CONFIGURATION_ID,
  type DeliveryEventRecord,
  EVENTBRIDGE_SECRET_HEADER,
  httpEventDestination,
  NotifyEmulator,
} from '@app/notify-emulator';

/*
 * The admin route that lets a standalone emulator (docker compose) emit delivery events: real SDK sends, real
 * HTTP to the route, and a real HTTP receiver standing in for the service's EventBridge endpoint.
 */

const SECRET = 'route-test-eventbridge-secret-0123456789';
const US_NUMBER = '+12065550100';

interface Received {
  headers: IncomingHttpHeaders;
  body: { id: string; source: string; 'detail-type': string; detail: DeliveryEventRecord };
}

const received: Received[] = [];
/** What the receiver answers; a test sets 500 to play a service that refuses events. */
let receiverStatus = 200;

const receiver = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    received.push({ headers: request.headers, body: JSON.parse(body) as Received['body'] });
    response.writeHead(receiverStatus, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ result: receiverStatus === 200 ? 'recorded' : 'failed' }));
  });
});

let emulator: NotifyEmulator;
let noDestination: NotifyEmulator;
let endpoint: string;
let noDestinationEndpoint: string;
let client: PinpointSMSVoiceV2Client;
let receiverUrl: string;

async function listenOnFreePort(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function stop(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

function newClient(url: string): PinpointSMSVoiceV2Client {
  return new PinpointSMSVoiceV2Client({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' },
    maxAttempts: 1,
  });
}

async function sendSms(sdk: PinpointSMSVoiceV2Client = client): Promise<string> {
  const { MessageId } = await sdk.send(
    new SendNotifyTextMessageCommand({
      NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
      DestinationPhoneNumber: US_NUMBER,
      TemplateVariables: { code: '123456' },
      Context: { verificationId: 'VE-route-test' },
    }),
  );
  return MessageId!;
}

async function sendVoice(): Promise<string> {
  const { MessageId } = await client.send(
    new SendNotifyVoiceMessageCommand({
      NotifyConfigurationId: DEFAULT_CONFIGURATION_ID,
      DestinationPhoneNumber: US_NUMBER,
      TemplateVariables: { code: '123456' },
    }),
  );
  return MessageId!;
}

async function postEvents(
  messageId: string,
  body: unknown,
  base: string = endpoint,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}/_emulator/messages/${encodeURIComponent(messageId)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  receiverUrl = `http://127.0.0.1:${await listenOnFreePort(receiver)}/v1/notify-events/eventbridge`;
  emulator = new NotifyEmulator({
    eventBridgeSecret: SECRET,
    eventDestination: httpEventDestination({ eventbridge: receiverUrl }),
  });
  endpoint = await emulator.listen(0);
  noDestination = new NotifyEmulator({ eventBridgeSecret: SECRET });
  noDestinationEndpoint = await noDestination.listen(0);
  client = newClient(endpoint);
});

afterAll(async () => {
  client.destroy();
  await emulator.close();
  await noDestination.close();
  await stop(receiver);
});

beforeEach(() => {
  emulator.reset();
  received.length = 0;
  receiverStatus = 200;
});

describe('POST /_emulator/messages/{messageId}/events', () => {
  it('answers 201 with the records and delivers one EventBridge envelope per event, with the secret', async () => {
    const messageId = await sendSms();

    const answer = await postEvents(messageId, { eventTypes: ['TEXT_SUCCESSFUL', 'TEXT_UNREACHABLE'] });

    expect(answer.status).toBe(201);
    const records = answer.body as DeliveryEventRecord[];
    expect(records.map((r) => [r.eventType, r.messageId, r.isFinal])).toEqual([
      // Final, as in AWS's example records (configuration-sets-event-format.html, monitor-event-bridge.html).
      ['TEXT_SUCCESSFUL', messageId, true],
      ['TEXT_UNREACHABLE', messageId, true],
    ]);
    // The records are the EventBridge details sent, which carry no Context (monitor-event-bridge.html).
    expect(records[1]).not.toHaveProperty('context');
    expect(records[1]).not.toHaveProperty('destinationPhoneNumber');
    expect(received).toHaveLength(2);
    for (const event of received) {
      expect(event.headers[EVENTBRIDGE_SECRET_HEADER]).toBe(SECRET);
      expect(event.headers['content-type']).toBe('application/json');
      expect(event.body.source).toBe('aws.sms-voice');
      expect(event.body['detail-type']).toBe('Text Message Delivery Status Updated');
      expect(event.body.detail.messageId).toBe(messageId);
    }
    expect(received.map((e) => e.body.detail.eventType)).toEqual(['TEXT_SUCCESSFUL', 'TEXT_UNREACHABLE']);
  });

  it('delivers voice events for a voice message', async () => {
    const messageId = await sendVoice();

    const answer = await postEvents(messageId, { eventTypes: ['VOICE_NO_ANSWER'] });

    expect(answer.status).toBe(201);
    expect(received).toHaveLength(1);
    expect(received[0].body['detail-type']).toBe('Voice Message Delivery Status Updated');
    expect(received[0].body.detail).toMatchObject({ messageId, eventType: 'VOICE_NO_ANSWER' });
  });

  it('with duplicate: true delivers each event twice, under the same event id', async () => {
    const messageId = await sendSms();

    const answer = await postEvents(messageId, {
      eventTypes: ['TEXT_SUCCESSFUL', 'TEXT_DELIVERED'],
      duplicate: true,
    });

    expect(answer.status).toBe(201);
    expect((answer.body as DeliveryEventRecord[]).map((r) => r.eventType)).toEqual([
      'TEXT_SUCCESSFUL',
      'TEXT_SUCCESSFUL',
      'TEXT_DELIVERED',
      'TEXT_DELIVERED',
    ]);
    expect(received.map((e) => e.body.detail.eventType)).toEqual([
      'TEXT_SUCCESSFUL',
      'TEXT_SUCCESSFUL',
      'TEXT_DELIVERED',
      'TEXT_DELIVERED',
    ]);
    expect(received[0].body.id).toBe(received[1].body.id);
    expect(received[2].body.id).toBe(received[3].body.id);
    expect(received[0].body.id).not.toBe(received[2].body.id);
  });

  it('with reorder: true delivers newest first, timestamps keeping the order events happened in', async () => {
    const messageId = await sendSms();

    const answer = await postEvents(messageId, {
      eventTypes: ['TEXT_SUCCESSFUL', 'TEXT_DELIVERED'],
      reorder: true,
    });

    expect(answer.status).toBe(201);
    const details = received.map((e) => e.body.detail);
    expect(details.map((d) => d.eventType)).toEqual(['TEXT_DELIVERED', 'TEXT_SUCCESSFUL']);
    expect(details[0].eventTimestamp).toBeGreaterThan(details[1].eventTimestamp);
  });

  it('answers 404 for a message the emulator did not deliver', async () => {
    const answer = await postEvents('00000000-0000-4000-8000-000000000000', {
      eventTypes: ['TEXT_DELIVERED'],
    });

    expect(answer).toEqual({
      status: 404,
      body: { message: expect.stringContaining('No delivered message') },
    });
    expect(received).toHaveLength(0);
  });

  it.each([
    ['an unknown event type', ['TEXT_DELIVERED', 'TEXT_TELEPORTED'], 'Unknown delivery event type'],
    ['a voice event for an SMS', ['VOICE_COMPLETED'], 'does not fit the SMS message'],
  ])('answers 400 for %s and delivers nothing', async (_case, eventTypes, message) => {
    const messageId = await sendSms();

    const answer = await postEvents(messageId, { eventTypes });

    expect(answer).toEqual({ status: 400, body: { message: expect.stringContaining(message) } });
    expect(received).toHaveLength(0);
  });

  it.each<[string, unknown]>([
    ['a body that is not JSON', '{"eventTypes": ['],
    ['an empty body', ''],
    ['a JSON array', '["TEXT_DELIVERED"]'],
    ['no eventTypes', { duplicate: true }],
    ['an empty eventTypes', { eventTypes: [] }],
    ['eventTypes that is a string', { eventTypes: 'TEXT_DELIVERED' }],
    ['an eventTypes entry that is not a string', { eventTypes: ['TEXT_DELIVERED', 7] }],
    ['more than 20 eventTypes', { eventTypes: Array<string>(21).fill('TEXT_PENDING') }],
    ['duplicate that is not a boolean', { eventTypes: ['TEXT_DELIVERED'], duplicate: 'yes' }],
    ['reorder that is not a boolean', { eventTypes: ['TEXT_DELIVERED'], reorder: 1 }],
    ['an unknown property', { eventTypes: ['TEXT_DELIVERED'], via: 'sns' }],
  ])('answers 400 for %s', async (_case, body) => {
    const messageId = await sendSms();

    const answer = await postEvents(messageId, body);

    expect(answer).toEqual({ status: 400, body: { message: expect.any(String) } });
    expect(received).toHaveLength(0);
  });

  it('answers 400 for a message id that is badly percent-encoded or not an id', async () => {
    for (const segment of ['%E0%A4%A', 'a%20b', 'x'.repeat(65)]) {
      const response = await fetch(`${endpoint}/_emulator/messages/${segment}/events`, {
        method: 'POST',
        body: JSON.stringify({ eventTypes: ['TEXT_DELIVERED'] }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ message: expect.stringContaining('message id') });
    }
  });

  it('answers 409 when no event destination is configured', async () => {
    const otherClient = newClient(noDestinationEndpoint);
    try {
      const messageId = await sendSms(otherClient);

      const answer = await postEvents(messageId, { eventTypes: ['TEXT_DELIVERED'] }, noDestinationEndpoint);

      expect(answer).toEqual({
        status: 409,
        body: { message: expect.stringContaining('NOTIFY_EMULATOR_EVENTBRIDGE_URL') },
      });
      expect(received).toHaveLength(0);
    } finally {
      otherClient.destroy();
    }
  });

  it('answers 502 with the reason when the destination refuses an event', async () => {
    const messageId = await sendSms();
    receiverStatus = 500;

    const answer = await postEvents(messageId, { eventTypes: ['TEXT_SUCCESSFUL', 'TEXT_DELIVERED'] });

    expect(answer).toEqual({ status: 502, body: { message: 'eventbridge event refused with 500' } });
    expect(received).toHaveLength(1); // events go one after the other; the first refusal stops the rest
  });

  it('answers 502 when the destination cannot be reached', async () => {
    const closed = createServer();
    const port = await listenOnFreePort(closed);
    await stop(closed);
    emulator.setEventDestination(httpEventDestination({ eventbridge: `http://127.0.0.1:${port}/events` }));
    try {
      const messageId = await sendSms();

      const answer = await postEvents(messageId, { eventTypes: ['TEXT_DELIVERED'] });

      expect(answer).toEqual({
        status: 502,
        body: { message: expect.stringMatching(/^eventbridge event could not reach .*ECONNREFUSED/) },
      });
    } finally {
      emulator.setEventDestination(httpEventDestination({ eventbridge: receiverUrl }));
    }
  });

  it('leaves other methods on the path unrouted', async () => {
    const messageId = await sendSms();

    const response = await fetch(`${endpoint}/_emulator/messages/${messageId}/events`);

    expect(response.status).toBe(404);
  });
});
