import ipaddr from 'ipaddr.js';

/**
 * The network a client address stands for in a rate-limit key: an IPv4
 * address itself (an IPv4-mapped IPv6 address as IPv4), an IPv6 address by
 * its /64, since one subscriber usually holds a whole /64 and would
 * otherwise get a fresh budget per address.
 */
export function networkOf(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
