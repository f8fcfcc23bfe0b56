import * as net from 'net';
import { Token } from 'aws-cdk-lib';
import { RULES } from './limits';
import { Problem, problem } from './private/checks';
import type { AccessControlDocument } from './private/config-document';

/** What an IP access-control rule does with the listed sources. */
export enum AccessControlAction {
  /** Only the listed sources may call; every other caller gets ACCESS_DENIED. */
  ALLOW = 'ALLOW',
  /** The listed sources get ACCESS_DENIED; every other caller may call. */
  DENY = 'DENY',
}

/**
 * An IP access-control rule (Huawei: access control policy): an allow list or a deny list of IPv4
 * and IPv6 addresses and CIDR blocks, matched against the caller's source IP
 * (`$context.sourceIp`). A refused caller gets the ACCESS_DENIED response (error code APIG.0402).
 *
 * Set one on a group (`ApiGroupProps.accessControl`, checked for every API) and one per API
 * (`ApiOptions.accessControl`, checked after the group's).
 */
export class AccessControl {
  /**
   * Only these sources may call.
   *
   * @param cidrs IPv4 or IPv6 addresses or CIDR blocks, e.g. `203.0.113.0/24`, `2001:db8::/32`, `198.51.100.7`
   */
  public static allow(cidrs: string[]): AccessControl {
    return new AccessControl(AccessControlAction.ALLOW, cidrs);
  }

  /**
   * These sources may not call.
   *
   * @param cidrs IPv4 or IPv6 addresses or CIDR blocks, e.g. `203.0.113.0/24`, `2001:db8::/32`, `198.51.100.7`
   */
  public static deny(cidrs: string[]): AccessControl {
    return new AccessControl(AccessControlAction.DENY, cidrs);
  }

  /** Whether the listed sources are the only ones allowed, or the ones refused. */
  public readonly action: AccessControlAction;

  /** The addresses and CIDR blocks, as given. */
  public readonly cidrs: string[];

  private constructor(action: AccessControlAction, cidrs: string[]) {
    this.action = action;
    this.cidrs = [...cidrs];
  }

  /** @internal problems of this rule (checked where it is used, so the message names the construct) */
  public _problems(): Problem[] {
    if (this.cidrs.length === 0) {
      return [problem(RULES.accessControl, '[]', `an empty ${this.action} list`)];
    }
    const found: Problem[] = [];
    for (const cidr of this.cidrs) {
      const why = cidrProblem(cidr);
      if (why) { found.push(problem(RULES.accessControl, cidr, why)); }
    }
    return found;
  }

  /** @internal the runtime document of this rule */
  public _toDocument(): AccessControlDocument {
    return { action: this.action, cidrs: [...this.cidrs] };
  }
}

/** Why `cidr` is not an address or CIDR block, or undefined when it is one. */
function cidrProblem(cidr: string): string | undefined {
  if (Token.isUnresolved(cidr)) { return 'a token: the list must be known at synth time'; }
  const [address, prefix, ...rest] = cidr.split('/');
  const family = net.isIPv4(address) ? 4 : net.isIPv6(address) ? 6 : 0;
  if (family === 0 || rest.length > 0) { return 'not an IPv4 or IPv6 address'; }
  if (prefix === undefined) { return undefined; }
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) { return `prefix length must be 0-${bits}`; }
  const value = family === 4 ? ipv4Value(address) : ipv6Value(address);
  const hostBits = BigInt(bits - Number(prefix));
  if (hostBits > 0n && (value & ((1n << hostBits) - 1n)) !== 0n) {
    return 'host bits set beyond the prefix length';
  }
  return undefined;
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
}

function ipv6Value(address: string): bigint {
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = Number(ipv4Value(v4[1]));
    text = `${text.slice(0, -v4[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups
    : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}
