import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal, isLocalhostName, resolvedRefusal, webhookUrlRefusal } from './address-guard';

/**
 * Issue 16 item 8: one POST to a webhook receiver through the SSRF guard (./address-guard.ts).
 * The name is resolved by the connection's own lookup, every address it resolves to is checked,
 * and the socket connects to the address that was checked — a name that resolves outside when
 * subscribed and inside at delivery (DNS rebinding) is refused, never connected to. A literal
 * address is checked before the request. No agent (no pooled connection to a stale address),
 * redirects are not followed (a 3xx is an answer like any other).
 */

/** A refusal of the guard: the delivery is given up at once with this reason (no retries). */
export class WebhookTargetRefused extends Error {
  readonly code = 'EWEBHOOKREFUSED';
}

/** A resolver: every address of a name (tests pass their own, e.g. a rebinding one). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );

/** The connection's lookup: resolves, refuses if any address is not allowed, else answers the checked addresses. */
export function guardedLookup(options: { allowPrivate: boolean; resolve?: Resolver }): LookupFunction {
  const resolve = options.resolve ?? systemResolver;
  return ((hostname: string, lookupOptions: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    const name = hostname.replace(/^\[|\]$/g, '');
    if (isLocalhostName(name) && !options.allowPrivate) return callback(new WebhookTargetRefused(`${name} is this machine`));
    const found = isIP(name) ? Promise.resolve([name]) : resolve(name);
    found.then(
      (addresses) => {
        const why = resolvedRefusal(name, addresses, options);
        if (why !== null) return callback(new WebhookTargetRefused(why));
        const entries = addresses.map((address) => ({ address, family: isIP(address) }));
        if (lookupOptions?.all) callback(null, entries);
        else callback(null, entries[0]!.address, entries[0]!.family);
      },
      (error: unknown) => callback(error),
    );
  }) as unknown as LookupFunction;
}

/** Whether a URL may be subscribed: the schema's checks, then its name resolved and every address checked. Null when allowed. */
export async function checkWebhookTarget(url: string, options: { allowPrivate: boolean; resolve?: Resolver }): Promise<string | null> {
  const early = webhookUrlRefusal(url, options);
  if (early !== null) return early;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return null;
  let addresses: string[];
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch {
    return `URL's host ${host} could not be found`;
  }
  const why = resolvedRefusal(host, addresses, options);
  return why === null ? null : `URL must point at a public address: ${why}`;
}

export interface SendOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  resolve?: Resolver;
}

/** POSTs the body; answers the status code. Throws WebhookTargetRefused (the guard), or the connection's error. */
export async function sendWebhook(url: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<number> {
  const early = webhookUrlRefusal(url, options);
  if (early !== null) throw new WebhookTargetRefused(early.replace(/^URL /, 'The URL '));
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const why = addressRefusal(host, options);
    if (why !== null) throw new WebhookTargetRefused(why);
  }
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const payload = Buffer.from(body, 'utf8');
  return new Promise<number>((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(payload.length) },
        agent: false,
        lookup: guardedLookup(options),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        // The answer's body is not needed: dropped, the connection closed.
        res.destroy();
        resolve(status);
      },
    );
    req.on('error', (error: Error & { cause?: unknown }) => {
      // the lookup's refusal arrives as the request's error (or its cause)
      if (error instanceof WebhookTargetRefused) return reject(error);
      if (error.cause instanceof WebhookTargetRefused) return reject(error.cause);
      reject(error);
    });
    req.end(payload);
  });
}
