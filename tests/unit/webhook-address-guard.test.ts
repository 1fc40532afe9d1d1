import { describe, expect, it } from 'vitest';
import { addressRefusal, allowPrivateWebhooks, classifyAddress, resolvedRefusal, webhookUrlRefusal, type AddressKind } from '../../lib/webhooks/address-guard';
import { checkWebhookTarget, guardedLookup } from '../../lib/webhooks/send';

/** Issue 16 item 8: the webhooks' SSRF guard — which addresses a receiver may have, with and without WEBHOOKS_ALLOW_PRIVATE. */

const CASES: [string, AddressKind][] = [
  ['93.184.216.34', 'public'],
  ['8.8.8.8', 'public'],
  ['172.15.255.255', 'public'],
  ['172.32.0.1', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.1', 'public'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.10', 'private'],
  ['169.254.169.254', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.2.5', 'reserved'],
  ['198.18.0.1', 'reserved'],
  // IPv6
  ['2606:2800:220:1:248:1893:25c8:1946', 'public'],
  ['2001:4860:4860::8888', 'public'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::', 'unspecified'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['fec0::1', 'private'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
  // IPv4 inside IPv6: the IPv4 address decides
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.1.2.3', 'private'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:a9fe:a9fe', 'link-local'],
  ['0:0:0:0:0:ffff:c0a8:0101', 'private'],
  ['::ffff:8.8.8.8', 'public'],
  ['::127.0.0.1', 'loopback'],
  ['64:ff9b::10.0.0.1', 'private'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['2002:7f00:1::', 'loopback'],
  ['2002:0808:0808::1', 'public'],
  ['[::1]', 'loopback'],
];

describe('classifyAddress', () => {
  it.each(CASES)('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it('a name is not an address', () => {
    expect(classifyAddress('example.com')).toBeNull();
    expect(classifyAddress('127.0.0.1.nip.io')).toBeNull();
  });
});

describe('addressRefusal', () => {
  it('refuses every address inside, in plain words naming it', () => {
    expect(addressRefusal('169.254.169.254', { allowPrivate: false })).toBe('169.254.169.254 is a link-local address (such as the cloud metadata service)');
    expect(addressRefusal('10.0.0.1', { allowPrivate: false })).toBe('10.0.0.1 is a private network address');
    expect(addressRefusal('::ffff:127.0.0.1', { allowPrivate: false })).toBe('::ffff:127.0.0.1 is a loopback address (this machine)');
    expect(addressRefusal('100.64.0.1', { allowPrivate: false })).toBe('100.64.0.1 is a carrier-grade NAT address');
    expect(addressRefusal('8.8.8.8', { allowPrivate: false })).toBeNull();
  });

  it('WEBHOOKS_ALLOW_PRIVATE lets loopback, private, link-local, CGNAT and unique-local through, never the unspecified address, multicast or reserved', () => {
    for (const ip of ['127.0.0.1', '::1', '10.0.0.1', '192.168.0.2', '169.254.169.254', '100.64.0.1', 'fd00::1', '::ffff:127.0.0.1'])
      expect(addressRefusal(ip, { allowPrivate: true })).toBeNull();
    for (const ip of ['0.0.0.0', '::', '224.0.0.1', '240.0.0.1', 'ff02::1'])
      expect(addressRefusal(ip, { allowPrivate: true })).toMatch(/unspecified|multicast|reserved/);
  });

  it('reads the setting as exactly "true"', () => {
    expect(allowPrivateWebhooks({ WEBHOOKS_ALLOW_PRIVATE: 'true' })).toBe(true);
    expect(allowPrivateWebhooks({ WEBHOOKS_ALLOW_PRIVATE: '1' })).toBe(false);
    expect(allowPrivateWebhooks({})).toBe(false);
  });
});

describe('webhookUrlRefusal (without DNS)', () => {
  const off = { allowPrivate: false };
  const on = { allowPrivate: true };
  it('https only, unless private addresses are allowed', () => {
    expect(webhookUrlRefusal('https://hooks.example.com/x', off)).toBeNull();
    expect(webhookUrlRefusal('http://hooks.example.com/x', off)).toBe(
      'URL must start with https:// (plain http:// is only for local development, with WEBHOOKS_ALLOW_PRIVATE=true)',
    );
    expect(webhookUrlRefusal('http://hooks.example.com/x', on)).toBeNull();
    expect(webhookUrlRefusal('ftp://hooks.example.com/x', off)).toBe('URL must start with https://');
    expect(webhookUrlRefusal('ftp://hooks.example.com/x', on)).toBe('URL must start with https:// or http://');
  });

  it('literal addresses inside, in any spelling the URL parser accepts, and localhost', () => {
    expect(webhookUrlRefusal('https://169.254.169.254/latest/meta-data', off)).toBe(
      'URL must point at a public address: 169.254.169.254 is a link-local address (such as the cloud metadata service)',
    );
    // decimal, hex and short forms are normalised by the URL parser to 127.0.0.1
    for (const url of ['https://2130706433/', 'https://0x7f.1/', 'https://127.1/', 'https://[::ffff:127.0.0.1]/', 'https://[::1]:8443/'])
      expect(webhookUrlRefusal(url, off)).toMatch(/^URL must point at a public address: .* is a loopback address/);
    expect(webhookUrlRefusal('https://[fd00::5]/', off)).toMatch(/unique-local/);
    expect(webhookUrlRefusal('https://0.0.0.0/', off)).toMatch(/unspecified/);
    expect(webhookUrlRefusal('https://localhost/x', off)).toBe('URL must point at a public address: localhost is this machine');
    expect(webhookUrlRefusal('https://api.localhost/x', off)).toMatch(/this machine/);
    expect(webhookUrlRefusal('http://127.0.0.1:3000/x', on)).toBeNull();
    expect(webhookUrlRefusal('https://[2001:4860:4860::8888]/', off)).toBeNull();
  });
});

describe('names resolved', () => {
  const resolver = (table: Record<string, string[]>) => async (name: string) => {
    if (!(name in table)) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return table[name]!;
  };
  const dns = resolver({
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'metadata.internal.test': ['169.254.169.254'],
    'mixed.example.com': ['93.184.216.34', '10.0.0.7'],
  });

  it('every address must be public: one inside is enough to refuse', () => {
    expect(resolvedRefusal('mixed.example.com', ['93.184.216.34', '10.0.0.7'], { allowPrivate: false })).toBe(
      'mixed.example.com resolves to 10.0.0.7 is a private network address',
    );
    expect(resolvedRefusal('x.test', [], { allowPrivate: false })).toBe('x.test has no address');
  });

  it('at subscription: the name resolved and checked; a name that does not resolve is refused', async () => {
    expect(await checkWebhookTarget('https://hooks.example.com/x', { allowPrivate: false, resolve: dns })).toBeNull();
    expect(await checkWebhookTarget('https://metadata.internal.test/x', { allowPrivate: false, resolve: dns })).toBe(
      'URL must point at a public address: metadata.internal.test resolves to 169.254.169.254 is a link-local address (such as the cloud metadata service)',
    );
    expect(await checkWebhookTarget('https://mixed.example.com/x', { allowPrivate: false, resolve: dns })).toMatch(/10\.0\.0\.7 is a private/);
    expect(await checkWebhookTarget('https://nowhere.example.com/x', { allowPrivate: false, resolve: dns })).toBe(
      "URL's host nowhere.example.com could not be found",
    );
    expect(await checkWebhookTarget('https://metadata.internal.test/x', { allowPrivate: true, resolve: dns })).toBeNull();
  });

  it("at delivery: the connection's lookup answers only checked addresses, and refuses the rest", async () => {
    const ask = (name: string, all: boolean, allowPrivate = false) =>
      new Promise<unknown>((resolve) => {
        const lookup = guardedLookup({ allowPrivate, resolve: dns }) as unknown as (h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) => void;
        lookup(name, { all }, (error, address, family) => resolve(error ? { error: (error as Error).message } : { address, family }));
      });
    expect(await ask('hooks.example.com', false)).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await ask('hooks.example.com', true)).toEqual({
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ],
      family: undefined,
    });
    expect(await ask('metadata.internal.test', false)).toEqual({
      error: 'metadata.internal.test resolves to 169.254.169.254 is a link-local address (such as the cloud metadata service)',
    });
    expect(await ask('localhost', false)).toEqual({ error: 'localhost is this machine' });
    expect(await ask('metadata.internal.test', false, true)).toEqual({ address: '169.254.169.254', family: 4 });
  });
});
