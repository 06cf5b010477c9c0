import { BlockList, isIP } from 'node:net';

/**
 * Which media URLs the archiver may fetch. A webhook names the URL, so without a policy anyone
 * who can get a webhook accepted could make the archiver read internal addresses (the instance
 * metadata service, a VPC endpoint) and hand the answer out through the API. Pure: plain values in,
 * a reason out.
 */

/**
 * The hosts OpenPhone's media, recordings and voicemails have been seen on. Not documented by
 * OpenPhone: `m.openph.one` appears in public OpenPhone webhook samples; `storage.googleapis.com` in
 * integrations that proxy OpenPhone recordings (a guess). A stage widens or replaces the list with
 * `mediaArchive.allowedHosts`; a refused host is recorded on the activity, so it shows.
 */
export const defaultMediaHosts: readonly string[] = ['m.openph.one', 'storage.googleapis.com'];

/** Redirects followed per media URL, each hop checked like the first URL. */
export const maxMediaRedirects = 3;

export interface MediaUrlPolicy {
  /** Host names (`m.openph.one`) or a wildcard for subdomains (`*.openph.one`), fetched over https only. */
  allowedHosts: readonly string[];
  /**
   * Origins (`http://127.0.0.1:4010`) fetched as they are, http and loopback included: the local
   * replica's own simulated OpenPhone. Set by the code that builds the archiver, never by a webhook
   * or the stage config; empty in the stack.
   */
  localOrigins?: readonly string[];
}

const hostPattern = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Why an allow-list entry is unusable (an IP, a scheme, a bare wildcard), or undefined. */
export function mediaHostEntryProblem(entry: string): string | undefined {
  if (!hostPattern.test(entry))
    return `${JSON.stringify(entry)} is not a host name or *.domain (no scheme, port, path or IP address)`;
  return undefined;
}

function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
  const host = hostname.replace(/\.$/, '');
  return allowedHosts.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1 : host === entry,
  );
}

/** Whether the URL is one of the policy's local origins (scheme, host and port all equal). */
export function isLocalOrigin(url: URL, policy: MediaUrlPolicy): boolean {
  return (policy.localOrigins ?? []).some((origin) => new URL(origin).origin === url.origin);
}

/** Why the URL itself may not be fetched (before any DNS lookup), or undefined. */
export function mediaUrlRefusal(url: string, policy: MediaUrlPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (isLocalOrigin(parsed, policy)) return undefined;
  if (parsed.protocol !== 'https:') return `scheme ${parsed.protocol} is not https:`;
  if (parsed.username || parsed.password) return 'a URL with credentials';
  if (parsed.port !== '') return `port ${parsed.port} is not 443`;
  const host = parsed.hostname;
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) return `host ${host} is an IP address, not a name`;
  if (!hostAllowed(host, policy.allowedHosts)) return `host ${host} is not on the media host allow-list`;
  return undefined;
}

/** Address ranges no media URL may reach, whatever name led there, with the name a refusal gives. */
const refusedRanges: ReadonlyArray<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (instance metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['64:ff9b::', 96, 'ipv6', 'NAT64'],
  ['64:ff9b:1::', 48, 'ipv6', 'NAT64'],
  ['100::', 64, 'ipv6', 'discard'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  ['fc00::', 7, 'ipv6', 'unique local (ULA)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];
const rangeLists = refusedRanges.map(([network, prefix, family, name]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, name, cidr: `${network}/${prefix}` };
});

/**
 * Why a resolved address may not be fetched (private, loopback, link-local, CGNAT, ULA, …), or
 * undefined. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are judged as the IPv4 address.
 */
export function mediaAddressRefusal(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${JSON.stringify(address)} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const range = rangeLists.find(({ list }) => list.check(address, type));
  return range ? `address ${address} is ${range.name} (${range.cidr})` : undefined;
}
