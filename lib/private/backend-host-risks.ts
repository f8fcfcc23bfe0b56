/**
 * Backend hosts that work but are rarely what a deployment means (issue 14 item 9): a link-local
 * host (cloud metadata and credential services), a loopback or unspecified host (the proxy's own
 * host) and credentials in the URL. Each is a synth warning, not an error: tests and
 * `cdk-api-groups local` call backends on 127.0.0.1 on purpose. HTTP backends (an API's and its
 * backend policies') and third-party authorizer URLs share the check; the Huawei importer builds
 * its backends through the same constructs, so an imported definition is warned about too.
 */
import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { Api } from '../api';
import type { Backend } from '../backend';
import type { Environment } from '../environment';
import { normaliseAddress, substituteAddress } from './backend-address';
import { WARN } from './warnings';

/** One risk of a URL's host. */
export type HostRisk = 'metadata' | 'loopback' | 'userinfo';

/** An absolute URL's authority (userinfo, host and port). */
const AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/** The eight 16-bit groups of an IPv6 address written as WHATWG URL's hostname (`[...]`, compressed, lower case). */
function ipv6Groups(host: string): number[] | undefined {
  const text = host.replace(/^\[|\]$/g, '');
  const halves = text.split('::');
  if (halves.length > 2) { return undefined; }
  const part = (s: string): number[] => (s === '' ? [] : s.split(':').map(g => parseInt(g, 16)));
  const head = part(halves[0]);
  const tail = halves.length === 2 ? part(halves[1]) : [];
  const groups = halves.length === 2 ? [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail] : head;
  return groups.length === 8 && groups.every(g => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** The risks of a dotted IPv4 address's first two octets. */
function ipv4Risk(a: number, b: number): HostRisk | undefined {
  if (a === 169 && b === 254) { return 'metadata'; }
  if (a === 127 || a === 0) { return 'loopback'; }
  return undefined;
}

/** The risk of a host as WHATWG URL normalises it (IPv4 in any notation becomes dotted decimal). */
function hostRisk(hostname: string): HostRisk | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) { return 'loopback'; }
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (v4) { return ipv4Risk(Number(v4[1]), Number(v4[2])); }
  if (!host.startsWith('[')) { return undefined; }
  const g = ipv6Groups(host);
  if (!g) { return undefined; }
  if (g.slice(0, 7).every(x => x === 0) && g[7] <= 1) { return 'loopback'; } // :: and ::1
  if ((g[0] & 0xffc0) === 0xfe80) { return 'metadata'; } // fe80::/10, link-local
  if (g[0] === 0xfd00 && g[1] === 0x0ec2) { return 'metadata'; } // fd00:ec2::/32, EC2's IPv6 metadata and DNS
  if (g.slice(0, 5).every(x => x === 0) && g[5] === 0xffff) { return ipv4Risk(g[6] >> 8, g[6] & 0xff); } // ::ffff:a.b.c.d
  return undefined;
}

/**
 * The risks of a URL's host. A host that holds a variable, a placeholder or a token (known at
 * deploy time only) is not judged here (warnAboutEnvironmentHosts judges each environment's
 * value); credentials in the authority always are.
 */
export function hostRisks(url: string): HostRisk[] {
  // `#name#` (an environment variable) would read as a fragment: it stands for a value here.
  const authority = AUTHORITY.exec(url.replace(/#[A-Za-z0-9_-]{1,64}#/g, '{variable}'))?.[1];
  if (authority === undefined) { return []; }
  const risks: HostRisk[] = [];
  const at = authority.lastIndexOf('@');
  if (at >= 0) { risks.push('userinfo'); }
  const hostAndPort = authority.slice(at + 1);
  if (/[#{}$]/.test(hostAndPort)) { return risks; }
  let hostname: string;
  try {
    hostname = new URL(`http://${hostAndPort}/`).hostname;
  } catch {
    return risks;
  }
  const risk = hostRisk(hostname);
  if (risk) { risks.push(risk); }
  return risks;
}

const WHY: Record<HostRisk, string> = {
  metadata: 'a link-local host (169.254.0.0/16, fe80::/10) or EC2\'s IPv6 metadata address (fd00:ec2::/32): cloud metadata ' +
    'and credential services answer there (EC2 instance metadata at 169.254.169.254 and [fd00:ec2::254], ECS task credentials ' +
    'at 169.254.170.2), and callers\' paths and queries would reach them through the proxy',
  loopback: 'a loopback or unspecified host (localhost, 127.0.0.0/8, 0.0.0.0, [::1], [::]): deployed, that is the proxy\'s own ' +
    'host (its Lambda sandbox), where none of your services listens; only cdk-api-groups local and tests have a backend there',
  userinfo: 'credentials in the URL (user:password@host): they are written in clear into the template and the proxy\'s ' +
    'configuration document, and the request goes to the host after the @, whatever comes before it',
};

/**
 * Warns on `scope` for each risk of `url`'s host (`what` names the URL in the message, e.g.
 * "backend URL" or "backend policy \"canary\" URL").
 */
export function warnAboutHost(scope: IConstruct, what: string, url: string): void {
  // The warning is printed (terminal, CI log): never with the URL's credentials.
  const shown = url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1***@');
  for (const risk of hostRisks(url)) {
    Annotations.of(scope).addWarningV2(WARN.backendHost, `${what} ${shown} has ${WHY[risk]}`);
  }
}

/** Warns on an API for the hosts of its HTTP backend and of its backend policies' backends. */
export function warnAboutBackendHosts(api: IConstruct, backend: Backend,
  policies: ReadonlyArray<{ readonly policyName: string; readonly backend: Backend }>): void {
  const url = backend._hostUrl();
  if (url !== undefined) { warnAboutHost(api, 'backend URL', url); }
  for (const policy of policies) {
    const policyUrl = policy.backend._hostUrl();
    if (policyUrl !== undefined) { warnAboutHost(api, `backend policy ${JSON.stringify(policy.policyName)} URL`, policyUrl); }
  }
}

/**
 * Warns on an API whose backend host comes from environment variables (`#name#`) for each
 * environment publishing it whose values make a risky host (run once every environment is known).
 * Credentials are already warned about on the URL as written.
 */
export function warnAboutEnvironmentHosts(apis: readonly Api[], environments: readonly Environment[]): void {
  for (const api of apis) {
    const backends = [{ what: 'backend URL', backend: api.backend },
      ...api.backendPolicies.map(p => ({ what: `backend policy ${JSON.stringify(p.policyName)} URL`, backend: p.backend }))];
    for (const { what, backend } of backends) {
      const url = backend._hostUrl();
      if (url === undefined) { continue; }
      const address = normaliseAddress(url);
      if (address.variables.length === 0) { continue; }
      for (const env of api.environments ?? environments) {
        const resolved = substituteAddress(address.url, address.variables, name => env.variables[name]);
        if (!('url' in resolved)) { continue; }
        for (const risk of hostRisks(resolved.url).filter(r => r !== 'userinfo' && !hostRisks(url).includes(r))) {
          Annotations.of(api).addWarningV2(WARN.backendHost,
            `${what} ${url} in environment ${env.environmentName} (${resolved.url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1***@')}) has ${WHY[risk]}`);
        }
      }
    }
  }
}
