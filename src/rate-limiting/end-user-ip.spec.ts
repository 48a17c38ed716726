import { InvalidRequest } from '../common/domain-error';
import { ipNetwork, parseEndUserIp } from './end-user-ip';

describe(parseEndUserIp.name, () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['2001:DB8::1', '2001:db8:0:0:0:0:0:1'],
    ['::', '0:0:0:0:0:0:0:0'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6'],
    ['::ffff:198.51.100.4', '198.51.100.4'],
    ['::ffff:c633:6404', '198.51.100.4'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0:0:0:c000:221'],
  ])('accepts %s as %s', (raw, parsed) => {
    expect(parseEndUserIp(raw)).toBe(parsed);
  });

  it('is undefined when the header is absent', () => {
    expect(parseEndUserIp(undefined)).toBeUndefined();
  });

  it.each(['', 'localhost', '203.0.113.7, 198.51.100.1', '999.1.1.1', 'fe80::1%eth0', '2001:db8::/64'])(
    'refuses %j, naming the header',
    (raw) => {
      expect(() => parseEndUserIp(raw)).toThrow(InvalidRequest);
      expect(() => parseEndUserIp(raw)).toThrow(/X-End-User-IP/);
    },
  );

  it('refuses the header sent twice', () => {
    expect(() => parseEndUserIp(['203.0.113.7', '203.0.113.8'])).toThrow(InvalidRequest);
  });
});

describe(ipNetwork.name, () => {
  it('counts an IPv4 address by itself and an IPv6 address by its /64', () => {
    expect(ipNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(ipNetwork(parseEndUserIp('2001:db8:a:b::1')!)).toBe('2001:db8:a:b::/64');
    expect(ipNetwork(parseEndUserIp('2001:db8:a:b:ffff::9')!)).toBe('2001:db8:a:b::/64');
  });
});
