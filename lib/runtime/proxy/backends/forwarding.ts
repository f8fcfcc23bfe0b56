/**
 * Forwarding headers: which request headers that describe the caller or the route a backend
 * must not take from the caller, and the values the proxy sends instead.
 *
 * A backend trusts the gateway in front of it. Headers that proxies set (the client's address,
 * the public host and scheme, a path or method rewrite) would let a caller speak for the gateway
 * if they passed through, so the caller's copies are dropped:
 * - X-Forwarded-For: API Gateway appends the caller's address to whatever the caller sent
 *   (`<caller's text>, <caller>[, <CloudFront>]`). The backend gets the chain from the address API
 *   Gateway saw (`requestContext.identity.sourceIp`) onwards, or that address alone.
 * - X-Real-IP is set to the same address. X-Forwarded-Host is the domain API Gateway served
 *   (`requestContext.domainName`). X-Forwarded-Proto and X-Forwarded-Port are kept as API Gateway
 *   sets them (it replaces the caller's), when well-formed.
 * - Dropped: every other `X-Forwarded-*` (Prefix, Server, Scheme, Ssl, Client-Cert...),
 *   `Forwarded`, the other client-address headers frameworks read (X-Client-IP, True-Client-IP,
 *   CF-Connecting-IP, Fastly-Client-IP, X-Cluster-Client-IP), path rewrites (X-Original-URL,
 *   X-Rewrite-URL), method overrides (X-HTTP-Method-Override, X-HTTP-Method, X-Method-Override:
 *   the API was chosen and authorised for the request's own method), and the gateways' own
 *   namespaces `X-Amzn-*` (but X-Amzn-Trace-Id, which API Gateway sets), `X-Apigateway-*` and
 *   `X-Apig-*`.
 */
import { isValidHeaderValue } from '../headers';
import { RequestView } from '../request';

/** Headers the proxy itself sets from what API Gateway vouches for (lower case). */
export type GatewayHeader = 'x-forwarded-for' | 'x-forwarded-proto' | 'x-forwarded-port';

const GATEWAY_HEADERS: ReadonlySet<string> = new Set<GatewayHeader>(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port']);

const IMPERSONATING: ReadonlySet<string> = new Set([
  'forwarded', 'x-forwarded', 'forwarded-for', 'x-real-ip', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip',
  'fastly-client-ip', 'x-cluster-client-ip', 'x-original-url', 'x-rewrite-url',
  'x-http-method-override', 'x-http-method', 'x-method-override',
]);

const IMPERSONATING_PREFIXES = ['x-forwarded-', 'x-amzn-', 'x-apigateway-', 'x-apig-'];

/** How a request header (lower-case name) is forwarded: as sent, read for the proxy's own value, or dropped. */
export function forwardingOf(lower: string): 'forward' | GatewayHeader | 'drop' {
  if (GATEWAY_HEADERS.has(lower)) { return lower as GatewayHeader; }
  if (IMPERSONATING.has(lower)) { return 'drop'; }
  if (lower === 'x-amzn-trace-id') { return 'forward'; }
  for (const prefix of IMPERSONATING_PREFIXES) {
    if (lower.startsWith(prefix)) { return 'drop'; }
  }
  return 'forward';
}

const PROTO = /^https?$/i;
const PORT = /^[0-9]{1,5}$/;

/** The chain from the last entry equal to `ip` onwards; `ip` alone when the chain does not hold it. */
function chainFrom(chain: string, ip: string): string {
  const entries = chain.split(',').map(e => e.trim());
  const at = entries.lastIndexOf(ip);
  return at < 0 ? ip : entries.slice(at).filter(e => e !== '').join(', ');
}

/**
 * Sets the forwarding headers on `out` (lower-case names), from what API Gateway vouches for.
 *
 * @param sent the values of X-Forwarded-For / -Proto / -Port in the event (API Gateway's)
 */
export function setForwardingHeaders(out: Record<string, string | string[] | number | undefined>, req: RequestView,
  sent: ReadonlyMap<GatewayHeader, readonly string[]>): void {
  const ip = req.sourceIp;
  if (ip !== '' && isValidHeaderValue(ip)) {
    const chain = (sent.get('x-forwarded-for') ?? []).filter(isValidHeaderValue).join(', ');
    out['x-forwarded-for'] = chainFrom(chain, ip);
    out['x-real-ip'] = ip;
  }
  const domain = req.domainName;
  if (domain !== '' && isValidHeaderValue(domain)) { out['x-forwarded-host'] = domain; }
  const proto = sent.get('x-forwarded-proto');
  if (proto && proto.length === 1 && PROTO.test(proto[0])) { out['x-forwarded-proto'] = proto[0].toLowerCase(); }
  const port = sent.get('x-forwarded-port');
  if (port && port.length === 1 && PORT.test(port[0])) { out['x-forwarded-port'] = port[0]; }
}
