import { isIP } from 'node:net';

/**
 * Where a request came from, for the audit log and sign-in throttling (issue 11).
 *
 * `X-Forwarded-For` is only as good as whoever wrote it. Holdback's web server (scripts/web.ts)
 * appends the address of the peer that connected to it, so the last entry is always true; the
 * entries before it were written by proxies — or forged by the caller. `TRUST_PROXY` says how
 * many proxies in front of Holdback are trusted to append the address they saw:
 *   unset / `false` / `0` — none: the peer address is the client (a forged header is ignored);
 *   `true` / `1` — one (a load balancer): the entry before the peer's;
 *   `N` — N proxies.
 */
export function trustedProxyHops(value: string | undefined = process.env.TRUST_PROXY): number {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'no' || v === '0') return 0;
  if (v === 'true' || v === 'yes') return 1;
  if (/^[1-9]$/.test(v)) return Number(v);
  return 0;
}

/** The client's address from the forwarded chain, or null; never more than an address. */
export function clientIpFrom(forwardedFor: string | null | undefined, hops = trustedProxyHops()): string | null {
  const chain = (forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) return null;
  const candidate = chain[Math.max(0, chain.length - 1 - hops)]!;
  return normalizeIp(candidate);
}

export function clientIp(headers: { get(name: string): string | null }): string | null {
  return clientIpFrom(headers.get('x-forwarded-for'));
}

function normalizeIp(raw: string): string | null {
  let ip = raw.length > 64 ? '' : raw;
  // "[::1]:1234", "1.2.3.4:5678" and IPv4-mapped IPv6 as a person would write them
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  if (ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  return isIP(ip) ? ip : null;
}
