import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key under which a client address is rate-limited. IPv6 hosts usually get a whole /64, so one host could
 * otherwise rotate through 2^64 addresses and never hit a limit: IPv6 counts per /64. IPv4-mapped IPv6
 * (`::ffff:192.0.2.1`) counts as the IPv4 address.
 */
export function clientAddressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (isIPv4(ip) || !isIPv6(ip.replace(/%.*$/, ''))) return ip;
  const bare = ip.replace(/%.*$/, '').toLowerCase();
  const [head = '', tail = ''] = bare.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === '' ? [] : tail.split(':');
  const groups = bare.includes('::')
    ? [...headParts, ...Array<string>(8 - headParts.length - tailParts.length).fill('0'), ...tailParts]
    : headParts;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
