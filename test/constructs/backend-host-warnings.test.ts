/**
 * Issue 14 item 9: a backend on a link-local, loopback or userinfo-bearing host synthesizes (tests
 * and `cdk-api-groups local` use 127.0.0.1 backends on purpose) with a warning that names the risk:
 * cloud metadata, the proxy's own host, credentials in the URL. Declared and imported backends,
 * backend policies' backends and third-party authorizer URLs alike.
 */
import { Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ApiAuth, ApiGroup, Backend, HttpMethod, HuaweiDefinition, PolicyCondition } from 'cdk-api-groups';
import { hostRisks } from '../../lib/private/backend-host-risks';
import { newGroup, templateOf } from '../support/synth';

const ID = 'cdk-api-groups:backendHost';

/** The messages of the backend-host warnings, by construct path. */
function warnings(group: ApiGroup): Array<[string, string]> {
  return Annotations.fromStack(Stack.of(group)).findWarning('*', Match.stringLikeRegexp(`\\[ack: ${ID}\\]$`))
    .map(w => [w.id, String(w.entry.data)]);
}

function groupWithBackend(url: string): ApiGroup {
  const group = newGroup();
  group.addApi('Target', { method: HttpMethod.GET, path: '/target', backend: Backend.http(url) });
  return group;
}

describe('a backend URL whose host is risky synthesizes with a warning naming the risk', () => {
  test.each([
    ['EC2 instance metadata', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', /has a link-local host .*cloud metadata and credential services answer there/],
    ['ECS task credentials', 'http://169.254.170.2/v2/credentials/', /cloud metadata/],
    ['EC2\'s IPv6 metadata', 'http://[fd00:ec2::254]/latest/meta-data/', /EC2's IPv6 metadata address \(fd00:ec2::\/32\)/],
    ['an IPv6 link-local host', 'http://[fe80::1]:8080/', /link-local host/],
    ['the metadata address as an IPv4-mapped IPv6 address', 'http://[::ffff:169.254.169.254]/', /cloud metadata/],
    ['the metadata address in hexadecimal', 'http://0xa9fea9fe/', /cloud metadata/],
    ['a loopback backend', 'http://127.0.0.1:9001/orders', /has a loopback or unspecified host .*the proxy's own host/],
    ['localhost', 'http://localhost:3000/', /the proxy's own host/],
    ['a localhost subdomain', 'https://api.localhost/', /the proxy's own host/],
    ['the unspecified address', 'http://0.0.0.0:8080/', /the proxy's own host/],
    ['IPv6 loopback', 'http://[::1]/', /the proxy's own host/],
    ['loopback in decimal', 'http://2130706433/', /the proxy's own host/],
  ])('%s: %s', (_what, url, risk) => {
    // why: a caller-controlled path reaching metadata or the proxy's own host is the classic SSRF; the user may not mean it
    const found = warnings(groupWithBackend(url));
    expect(found).toHaveLength(1);
    expect(found[0][0]).toBe('/Stack/Group/Target');
    expect(found[0][1]).toMatch(new RegExp(`^backend URL ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has `));
    expect(found[0][1]).toMatch(risk);
  });

  test('credentials in the URL: warned about, and the warning never repeats them', () => {
    // why: user:password@ lands in clear in the template; and a@b goes to b, whatever a says
    const found = warnings(groupWithBackend('https://admin:s3cret@orders.example.com/orders'));
    expect(found).toEqual([['/Stack/Group/Target', expect.stringMatching(
      /^backend URL https:\/\/\*\*\*@orders\.example\.com\/orders has credentials in the URL \(user:password@host\): .*written in clear into the template/)]]);
    expect(found[0][1]).not.toContain('s3cret');
    expect(warnings(groupWithBackend('http://api.example.com@169.254.169.254/')).map(([, m]) => m)).toEqual([
      expect.stringMatching(/has credentials in the URL/), expect.stringMatching(/cloud metadata/),
    ]);
  });

  test('ordinary hosts, private addresses and hosts known at deploy time only: no warning', () => {
    // why: a warning on every backend would be ignored; 10.x and 192.168.x hosts are what VPC backends use
    for (const url of ['https://orders.example.com/orders', 'http://10.0.0.12:8080/', 'http://192.168.1.5/', 'http://[2001:db8::1]/',
      'http://169.255.0.1/', 'http://127.0.0.1.example.com/']) {
      expect([url, warnings(groupWithBackend(url))]).toEqual([url, []]);
    }
    // A host from an environment variable is known per environment only: not judged on the URL as written (see the last test).
    for (const url of ['https://#host#/orders', 'http://${stageVariables.host}/x', 'http://#host#:#port#/']) {
      expect([url, hostRisks(url)]).toEqual([url, []]);
    }
    expect(hostRisks('http://#host#@#other#/')).toEqual(['userinfo']);
  });

  test('a warning, not an error: the group synthesizes, and the warning can be acknowledged', () => {
    const group = groupWithBackend('http://127.0.0.1:9001/');
    CoreAnnotations.of(group.node.findChild('Target')).acknowledgeWarning(ID, 'a local backend for tests');
    expect(warnings(group)).toEqual([]);
  });
});

test('a backend policy\'s backend and a third-party authorizer URL are checked too', () => {
  const group = newGroup();
  const auth = group.addThirdPartyAuthorizer('auth', { url: 'http://169.254.169.254/verify' });
  group.addApi('Target', {
    method: HttpMethod.GET, path: '/target', backend: Backend.http('https://orders.example.com/'), auth: ApiAuth.thirdParty(auth),
    backendPolicies: [{ policyName: 'local', backend: Backend.http('http://localhost:9000/'), conditions: [PolicyCondition.sourceIp(['192.0.2.0/24'])] }],
  });
  expect(warnings(group)).toEqual([
    [expect.stringMatching(/\/Stack\/Group\/.*auth/), expect.stringMatching(/^third-party authorizer URL http:\/\/169\.254\.169\.254\/verify has a link-local host/)],
    ['/Stack/Group/Target', expect.stringMatching(/^backend policy "local" URL http:\/\/localhost:9000\/ has a loopback/)],
  ]);
});

test('an imported Huawei backend on the metadata address is warned about like a declared one', () => {
  // why: a definition from elsewhere is the likeliest way such an address arrives unnoticed
  const group = newGroup();
  group.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify({
    swagger: '2.0', info: { title: 't', version: '1' },
    paths: { '/meta': { get: { operationId: 'meta', 'x-apigateway-backend': { type: 'HTTP', httpEndpoints: { address: '169.254.169.254', scheme: 'http', method: 'GET', path: '/latest/meta-data' } } } } },
  })));
  expect(warnings(group)).toEqual([[expect.stringMatching(/^\/Stack\/Group\//), expect.stringMatching(/^backend URL http:\/\/169\.254\.169\.254\/latest\/meta-data has a link-local host/)]]);
});

test('a host from an environment variable: judged with each publishing environment\'s value', () => {
  // why: #host# set to 169.254.169.254 in one environment is the same risk, only less visible
  const group = newGroup({ stageVariables: { host: 'orders.example.com' } });
  group.addEnvironment('test', { variables: { host: '169.254.169.254' } });
  group.addApi('Target', { method: HttpMethod.GET, path: '/target', backend: Backend.http('http://#host#/orders') });
  templateOf(group);
  expect(warnings(group)).toEqual([['/Stack/Group/Target', expect.stringMatching(
    /^backend URL http:\/\/#host#\/orders in environment test \(http:\/\/169\.254\.169\.254\/orders\) has a link-local host/)]]);
});
