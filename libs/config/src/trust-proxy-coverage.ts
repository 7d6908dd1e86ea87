import ipaddr from 'ipaddr.js';

const FULL_V4 = (1n << 32n) - 1n;
const FULL_V6 = (1n << 128n) - 1n;
/** ::ffff:0:0/96, where IPv4 clients appear on a dual-stack socket. */
const MAPPED_V4_BASE = 0xffffn << 32n;

type Interval = readonly [bigint, bigint];

const toBigInt = (bytes: number[]): bigint => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);

function interval(address: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): Interval {
  const bits = address.kind() === 'ipv4' ? 32 : 128;
  const size = 1n << BigInt(bits - prefix);
  const start = (toBigInt(address.toByteArray()) / size) * size;
  return [start, start + size - 1n];
}

/** Whether the intervals, merged, cover [0, last]. */
function covers(intervals: Interval[], last: bigint): boolean {
  let next = 0n;
  for (const [start, end] of [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (start > next) return false;
    if (end + 1n > next) next = end + 1n;
    if (next > last) return true;
  }
  return false;
}

/**
 * Whether a TRUST_PROXY list trusts every address of IPv4 or of IPv6
 * (`0.0.0.0/0`, `::/0`, or ranges that add up to it such as
 * `0.0.0.0/1,128.0.0.0/1`): that is `true` in disguise. As proxy-addr
 * matches, an IPv4 range also covers IPv4-mapped IPv6 peers and an
 * IPv4-mapped IPv6 range (/96 or longer) covers IPv4 peers.
 * Entries that are not addresses (`loopback`, …) cover nothing here.
 */
export function coversEveryAddress(entries: readonly string[]): boolean {
  const v4: Interval[] = [];
  const v6: Interval[] = [];
  for (const entry of entries) {
    const [text = '', prefixText] = entry.split('/');
    if (!ipaddr.isValid(text)) continue;
    const address = ipaddr.parse(text);
    const bits = address.kind() === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? bits : Number(prefixText);
    const [start, end] = interval(address, prefix);
    if (address.kind() === 'ipv4') {
      v4.push([start, end]);
      v6.push([MAPPED_V4_BASE + start, MAPPED_V4_BASE + end]);
    } else {
      v6.push([start, end]);
      if (prefix >= 96 && (address as ipaddr.IPv6).isIPv4MappedAddress()) v4.push([start - MAPPED_V4_BASE, end - MAPPED_V4_BASE]);
    }
  }
  return covers(v4, FULL_V4) || covers(v6, FULL_V6);
}
