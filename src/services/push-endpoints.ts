// Push subscriptions are URLs the server calls later: only https endpoints of allowed push services (a configured
// host list), never loopback, private, link-local or other internal addresses (SSRF); checked when a device enrols
// and again before every send, with a DNS lookup that refuses internal addresses.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, BlockList } from 'node:net';

/** The public Web Push services of the browsers and mobile platforms (FCM, Mozilla autopush, Apple, Windows WNS). */
export const DEFAULT_PUSH_SERVICE_HOSTS = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  'updates.push.services.mozilla.com',
  'push.services.mozilla.com',
  'web.push.apple.com',
  '*.push.apple.com',
  '*.notify.windows.com',
] as const;

/** Addresses no push service has: loopback, private (RFC 1918, RFC 4193), link-local, CGNAT, unspecified, multicast, … */
function internalBlockList(): BlockList {
  const list = new BlockList();
  for (const [net, bits] of [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
    ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
    ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
  ] as const) list.addSubnet(net, bits, 'ipv4');
  for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96]] as const) {
    list.addSubnet(net, bits, 'ipv6');
  }
  return list;
}

const INTERNAL = internalBlockList();

/** True for an IP address literal that is loopback, private, link-local or otherwise not a public address. */
export function isInternalAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '');
  const family = isIP(plain);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  return INTERNAL.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

export class PushEndpointPolicy {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  /**
   * `hosts`: entries `host`, `host:port` or `*.domain` (any subdomain, not the domain itself); without a port only
   * 443. An IP address is allowed only as an explicit entry (e.g. a local push service in tests), never by a wildcard.
   */
  constructor(hosts: readonly string[]) {
    for (const raw of hosts) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else this.exact.add(entry.replace(/:443$/, ''));
    }
  }

  /** Entries that name an internal address or localhost (production refuses to start with them). */
  internalEntries(): string[] {
    return [...this.exact].filter((e) => {
      const host = e.startsWith('[') ? e.slice(0, e.indexOf(']') + 1) : e.replace(/:\d+$/, '');
      return host === 'localhost' || host.endsWith('.localhost') || isInternalAddress(host);
    });
  }

  /** Whether the server may send to `endpoint`: https, no credentials, an allowed host (and port). */
  allows(endpoint: string): boolean {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return false;
    }
    if (url.protocol !== 'https:' || url.username || url.password) return false;
    const host = url.hostname.toLowerCase();
    const key = url.port ? `${host}:${url.port}` : host;
    if (this.exact.has(key)) return true;
    if (url.port || isIP(host.replace(/^\[|\]$/g, '')) !== 0) return false;
    return this.suffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup for outgoing push requests that fails when a name resolves to an internal address, so an allowed
 * name that points inside (DNS rebinding, a misconfigured resolver) is never called.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    const internal = list.find((a) => isInternalAddress(a.address));
    if (internal || list.length === 0) {
      const refused = Object.assign(new Error(`${hostname} resolves to an internal address`), { code: 'EPUSHINTERNAL' });
      return callback(refused, []);
    }
    if (options.all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}
