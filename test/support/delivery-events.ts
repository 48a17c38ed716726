import { EmittedEvent, NotifyEmulator } from '@app/notify-emulator';
import { RunningService } from './service';

export const EVENTBRIDGE_SECRET = 'e2e-eventbridge-secret-0123456789abcdef';
export const EVENTS_ENV = {
  SNS_TOPIC_ARNS: 'arn:aws:sns:us-east-1:000000000000:notify-delivery-events',
  EVENTBRIDGE_SECRET,
};

export interface EventAnswer {
  via: EmittedEvent['via'];
  status: number;
  body: { result?: string; code?: string };
}

/**
 * Routes the emulator's delivery events into the app over HTTP, as an SNS subscription or an EventBridge API
 * destination (whose connection adds the secret header) would, and keeps every answer.
 */
export function routeEvents(svc: RunningService, emulator: NotifyEmulator = svc.emulator): EventAnswer[] {
  const answers: EventAnswer[] = [];
  emulator.setEventDestination({
    async deliver(event) {
      const headers =
        event.via === 'eventbridge'
          ? { ...event.headers, 'x-notify-events-secret': EVENTBRIDGE_SECRET }
          : event.headers;
      const res = await svc.http.post(`/v1/notify-events/${event.via}`).set(headers).send(event.body);
      answers.push({ via: event.via, status: res.status, body: res.body as EventAnswer['body'] });
    },
  });
  return answers;
}
