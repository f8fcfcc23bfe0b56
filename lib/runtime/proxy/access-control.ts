/**
 * IP access control (AccessControlDocument): ALLOW lets only the listed sources call, DENY
 * refuses the listed ones. IPv4 and IPv6 CIDR blocks (a bare address is a /32 or /128), checked
 * with node's BlockList, which also matches IPv4-mapped IPv6 sources (`::ffff:10.0.0.1`) against
 * IPv4 blocks. A source that is not an IP address is never on a list: refused by ALLOW, let
 * through by DENY.
 */
import type { AccessControlDocument } from '../../private/config-document';
import { isRecord } from './types';

export interface IpRule {
  readonly action: 'ALLOW' | 'DENY';
  /** True when the source may call. */
  allows(sourceIp: string): boolean;
}

/**
 * @throws Error when the rule or one of its blocks is malformed
 */
export function compileIpRule(raw: unknown, where: string): IpRule {
  const doc = raw as AccessControlDocument;
  if (!isRecord(raw) || (doc.action !== 'ALLOW' && doc.action !== 'DENY') || !Array.isArray(doc.cidrs)) {
    throw new Error(`${where} needs an action (ALLOW, DENY) and a list of cidrs`);
  }
  // Loaded here, by the first rule compiled: a group without IP rules never loads it (a cold start's cost).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const net: typeof import('net') = require('net');
  const list = new net.BlockList();
  doc.cidrs.forEach((cidr: unknown, i) => {
    if (typeof cidr !== 'string') { throw new Error(`${where}.cidrs[${i}] is not a string`); }
    const slash = cidr.indexOf('/');
    const address = (slash < 0 ? cidr : cidr.slice(0, slash)).trim();
    const version = net.isIP(address);
    if (version === 0 || address.includes('%')) { throw new Error(`${where}.cidrs[${i}] "${cidr}" is not an IP address or CIDR block`); }
    const max = version === 4 ? 32 : 128;
    const prefixText = slash < 0 ? String(max) : cidr.slice(slash + 1).trim();
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= max)) { throw new Error(`${where}.cidrs[${i}] "${cidr}" has a prefix outside 0-${max}`); }
    list.addSubnet(address, prefix, version === 4 ? 'ipv4' : 'ipv6');
  });
  const listed = (ip: string): boolean | undefined => {
    const version = net.isIP(ip);
    if (version === 0) { return undefined; }
    try {
      return list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
    } catch {
      return undefined;
    }
  };
  return doc.action === 'ALLOW'
    ? { action: 'ALLOW', allows: ip => listed(ip) === true }
    : { action: 'DENY', allows: ip => listed(ip) !== true };
}
