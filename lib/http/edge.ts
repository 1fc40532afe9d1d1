/**
 * The rules of Holdback's web server (scripts/web.ts) as plain functions, so they are tested
 * without a socket: who the peer is, which origins may call a server action, and the security
 * headers of every answer (issue 11).
 */

/**
 * The X-Forwarded-For Next sees. With no trusted proxy (TRUST_PROXY unset/0) the caller's own
 * header is thrown away and replaced by the socket's peer; with N trusted proxies the peer is
 * appended, so lib/http/client-ip.ts can count N entries back from the one nobody can forge.
 */
export function forwardedFor(sent: string | string[] | undefined, peer: string | undefined, hops: number): string | undefined {
  const peerAddress = peer ?? '';
  if (hops <= 0) return peerAddress || undefined;
  const existing = (Array.isArray(sent) ? sent.join(', ') : (sent ?? '')).trim();
  // A chain longer than any real one is an attack on whatever reads it; keep its tail.
  const kept =
    existing.length > 2048
      ? existing
          .slice(existing.length - 2048)
          .replace(/^[^,]*,?/, '')
          .trim()
      : existing;
  if (!kept) return peerAddress || undefined;
  return peerAddress ? `${kept}, ${peerAddress}` : kept;
}

/** The host the caller addressed: the Host header, or with trusted proxies the first X-Forwarded-Host. */
export function requestHost(headers: { host?: string; 'x-forwarded-host'?: string | string[] }, hops: number): string | null {
  const forwarded = hops > 0 ? headers['x-forwarded-host'] : undefined;
  const value = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() || headers.host?.trim();
  return value ? value.toLowerCase() : null;
}

/** ALLOWED_ORIGINS: a comma-separated list of hosts (`console.example.com`, `*.example.com`) or origins (`https://…`). */
export function allowedOriginHosts(value: string | undefined = process.env.ALLOWED_ORIGINS): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map((s) => {
      if (!s.includes('://')) return s;
      try {
        return new URL(s).host;
      } catch {
        return '';
      }
    })
    .filter(Boolean);
}

function hostMatches(host: string, pattern: string): boolean {
  if (pattern === host) return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1); // ".example.com"
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return false;
}

/**
 * May a server action with this Origin run? No Origin (an old browser, curl) passes, as in Next;
 * `null`, a malformed origin, or one whose host is neither the request's nor allowed does not.
 */
export function originAllowed(origin: string | undefined, host: string | null, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  if (!originHost) return false;
  if (host !== null && originHost === host) return true;
  return allowed.some((pattern) => hostMatches(originHost, pattern));
}

/**
 * On every answer: pages, API, static files, errors and the server's own 403/413s. Next's pages
 * carry inline scripts and styles (no nonces), hence 'unsafe-inline' for those two only.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
