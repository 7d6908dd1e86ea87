import { networkOf } from './network-of';

describe('networkOf', () => {
  it('keeps an IPv4 address, and an IPv4-mapped IPv6 one as IPv4', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('puts every address of one IPv6 /64 in one network, and another /64 in another', () => {
    const a = networkOf('2001:db8:1:2::1');
    expect(networkOf('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(a);
    expect(networkOf('2001:db8:1:3::1')).not.toBe(a);
    expect(a).toBe('2001:db8:1:2::/64');
  });

  it('leaves what is not an address as it is', () => {
    expect(networkOf('unknown')).toBe('unknown');
  });
});
