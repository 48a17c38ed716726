import { NotifyError } from '@app/notify';
import { NotifyTimeout, NotifyUnavailable } from '../common/domain-error';
import { notifyFailureToDomain } from './notify-failures';

const error = (operation: string, kind: NotifyError['kind'], code?: string) =>
  new NotifyError({ kind, operation, message: `${operation} failed`, code });

describe(notifyFailureToDomain.name, () => {
  it.each([
    ['a send that timed out', error('SendNotifyTextMessage', 'timeout', 'ETIMEDOUT')],
    [
      'a call whose connection dropped after the request left',
      error('SendNotifyVoiceMessage', 'network', 'ECONNRESET'),
    ],
  ])('%s: notify_timeout, its outcome unknown', (_name, failure) => {
    expect(notifyFailureToDomain(failure)).toBeInstanceOf(NotifyTimeout);
  });

  it.each([
    ['a refused connection (nothing sent)', error('SendNotifyTextMessage', 'network', 'ECONNREFUSED')],
    [
      'a describe that timed out (nothing to deliver)',
      error('DescribeNotifyTemplates', 'timeout', 'ETIMEDOUT'),
    ],
    ['throttling', error('SendNotifyTextMessage', 'throttled')],
  ])('%s: notify_unavailable', (_name, failure) => {
    expect(notifyFailureToDomain(failure)).toEqual(expect.any(NotifyUnavailable));
    expect(notifyFailureToDomain(failure)).toMatchObject({ code: 'notify_unavailable' });
  });
});
