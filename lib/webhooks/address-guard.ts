import { isIP } from 'node:net';

/**
 * Issue 16 item 8, the SSRF guard of webhooks (pure): a subscription's URL must be https and must
 * not reach into the network Holdback runs in — loopback, private (10/8, 172.16/12, 192.168/16),
 * link-local (169.254/16, where cloud metadata lives), carrier-grade NAT (100.64/10), IPv6
 * unique-local and link-local, the unspecified address, multicast and reserved ranges — whether
 * written as an address (IPv4-mapped IPv6 included) or a name resolving to one. Checked when the
 * subscription is made (lib/webhooks/subscriptions.ts) and again on every delivery, on the very
 * address the connection is made to (lib/webhooks/send.ts), so a name that later resolves inside
 * (DNS rebinding) is refused too.
 *
 * `WEBHOOKS_ALLOW_PRIVATE=true` (tests, the e2e server, local development) lets plain http and
 * loopback, private, link-local, CGNAT and unique-local addresses through; the unspecified
 * address, multicast and reserved ranges are never a receiver.
 */

export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'cgnat' | 'unique-local' | 'unspecified' | 'multicast' | 'reserved';

const WORDS: Record<Exclude<AddressKind, 'public'>, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  'link-local': 'a link-local address (such as the cloud metadata service)',
  cgnat: 'a carrier-grade NAT address',
  'unique-local': 'a unique-local IPv6 address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast or broadcast address',
  reserved: 'a reserved address',
};

/** What WEBHOOKS_ALLOW_PRIVATE=true lets through. */
const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set(['loopback', 'private', 'link-local', 'cgnat', 'unique-local']);

export const ALLOW_PRIVATE_ENV = 'WEBHOOKS_ALLOW_PRIVATE';

/** WEBHOOKS_ALLOW_PRIVATE=true, read when asked (tests set it per file). */
export function allowPrivateWebhooks(env: Record<string, string | undefined> = process.env): boolean {
  return env[ALLOW_PRIVATE_ENV] === 'true';
}

function ipv4Value(text: string): number {
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

const inV4 = (value: number, base: string, bits: number) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (value & mask) >>> 0 === (ipv4Value(base) & mask) >>> 0;
};

function classifyV4(v: number): AddressKind {
  if (inV4(v, '0.0.0.0', 8)) return 'unspecified';
  if (inV4(v, '127.0.0.0', 8)) return 'loopback';
  if (inV4(v, '10.0.0.0', 8) || inV4(v, '172.16.0.0', 12) || inV4(v, '192.168.0.0', 16)) return 'private';
  if (inV4(v, '169.254.0.0', 16)) return 'link-local';
  if (inV4(v, '100.64.0.0', 10)) return 'cgnat';
  if (inV4(v, '224.0.0.0', 4) || v === 0xffffffff) return 'multicast';
  if (
    inV4(v, '240.0.0.0', 4) ||
    inV4(v, '192.0.0.0', 24) ||
    inV4(v, '192.0.2.0', 24) ||
    inV4(v, '198.18.0.0', 15) ||
    inV4(v, '198.51.100.0', 24) ||
    inV4(v, '203.0.113.0', 24)
  )
    return 'reserved';
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (a zone `%eth0` dropped, a trailing dotted IPv4 read). */
function ipv6Groups(text: string): number[] {
  let s = text.split('%')[0]!.toLowerCase();
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    // a trailing dotted IPv4 (::ffff:127.0.0.1) as its two groups
    const v = ipv4Value(s.slice(lastColon + 1));
    s = `${s.slice(0, lastColon + 1)}${(v >>> 16).toString(16)}:${(v & 0xffff).toString(16)}`;
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((x) => parseInt(x, 16)));
  if (!s.includes('::')) return parse(s);
  const [head, rest] = s.split('::') as [string, string];
  const left = parse(head);
  const right = parse(rest);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function classifyV6(g: number[]): AddressKind {
  const v4 = (hi: number, lo: number) => ((hi << 16) >>> 0) + lo;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d: the IPv4 address decides
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return classifyV4(v4(g[6]!, g[7]!));
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return classifyV4(v4(g[6]!, g[7]!));
  // 6to4 2002:aabb:ccdd::: the embedded IPv4 address decides when it is not public
  if (g[0] === 0x2002) {
    const inner = classifyV4(v4(g[1]!, g[2]!));
    return inner === 'public' ? 'public' : inner;
  }
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  // Teredo 2001::/32 (an obfuscated IPv4 inside), documentation 2001:db8::/32, and anything outside global unicast 2000::/3
  if (g[0] === 0x2001 && (g[1] === 0 || g[1] === 0xdb8)) return 'reserved';
  if ((g[0]! & 0xe000) !== 0x2000) return 'reserved';
  return 'public';
}

/** What kind of address `ip` is, or null when it is not an IP address. */
export function classifyAddress(ip: string): AddressKind | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(bare.split('%')[0]!);
  if (family === 4) return classifyV4(ipv4Value(bare));
  if (family === 6) return classifyV6(ipv6Groups(bare));
  return null;
}

/** Why a connection to `ip` is refused, in plain words, or null when it may be made. */
export function addressRefusal(ip: string, options: { allowPrivate: boolean }): string | null {
  const kind = classifyAddress(ip);
  if (kind === null) return `${ip} is not an IP address`;
  if (kind === 'public' || (options.allowPrivate && PRIVATE_KINDS.has(kind))) return null;
  return `${ip} is ${WORDS[kind]}`;
}

/** `localhost` and names under `.localhost` are this machine, whatever DNS says (RFC 6761). */
export function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

const FIELD = 'URL';

/**
 * What can be said of a URL without DNS (the form's and the API's schema): https (http only when
 * private addresses are allowed), no credentials, and a host that is not a refused address or
 * `localhost`. A name is checked once resolved (checkResolved). Null when nothing is wrong.
 */
export function webhookUrlRefusal(value: string, options: { allowPrivate: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${FIELD} must be a web address such as https://example.com/holdback-events`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return options.allowPrivate ? `${FIELD} must start with https:// or http://` : `${FIELD} must start with https://`;
  }
  if (url.protocol === 'http:' && !options.allowPrivate) {
    return `${FIELD} must start with https:// (plain http:// is only for local development, with ${ALLOW_PRIVATE_ENV}=true)`;
  }
  if (url.username || url.password) return `${FIELD} must not carry a user name or password; the signature proves who is calling`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (classifyAddress(host) !== null) {
    const why = addressRefusal(host, options);
    return why === null ? null : `${FIELD} must point at a public address: ${why}`;
  }
  if (isLocalhostName(host) && !options.allowPrivate) return `${FIELD} must point at a public address: ${host} is this machine`;
  return null;
}

/** Every address a name resolved to must be allowed: one inside is enough to refuse it. */
export function resolvedRefusal(hostname: string, addresses: readonly string[], options: { allowPrivate: boolean }): string | null {
  if (addresses.length === 0) return `${hostname} has no address`;
  for (const address of addresses) {
    const why = addressRefusal(address, options);
    if (why !== null) return `${hostname} resolves to ${why}`;
  }
  return null;
}
