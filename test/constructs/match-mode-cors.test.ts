/**
 * ApiOptions.matchMode and ApiOptions.cors in what is synthesized (issue 13 item 5): the REST API's
 * OpenAPI document (an exposed PREFIX API's own resources, preflights of an API with its own CORS),
 * the configuration document, the stage's method throttles, and the rules checked at synth.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ApiAuth, Backend, HttpMethod, MatchMode } from 'cdk-api-groups';
import { methodAt, methodsByPath, newGroup, proxyAsset, restApiDocument, templateOf } from '../support/synth';

const mock = (body: string) => Backend.mock({ body });

describe('an exposed PREFIX API (IAM, throttle)', () => {
  const group = newGroup({ groupName: 'prefix' });
  group.addApi('Admin', { method: HttpMethod.GET, path: '/admin', matchMode: MatchMode.PREFIX, backend: mock('admin'), auth: ApiAuth.iam() });
  group.addApi('AdminStatus', { method: HttpMethod.GET, path: '/admin/status', backend: mock('status') });
  group.addApi('Limited', {
    method: HttpMethod.GET, path: '/limited', matchMode: MatchMode.PREFIX, backend: mock('limited'), throttle: { rateLimit: 5, burstLimit: 2 },
  });
  group.addApi('Files', { method: HttpMethod.GET, path: '/files', matchMode: MatchMode.PREFIX, backend: mock('files') });
  const template = templateOf(group);

  test('its path and a greedy child below it declare its method, with its IAM; a shadowed exact API below keeps its own', () => {
    // why: API Gateway checks IAM per method and resource; every path below the prefix must land on one of the API's own
    const table = methodsByPath(template);
    expect(table['/admin']).toEqual(['ANY', 'GET']);
    expect(table['/admin/{proxy+}']).toEqual(['ANY', 'GET']);
    // GET /admin/status (no auth) would otherwise ride the IAM prefix's method: it gets its own, and a closure below it
    expect(table['/admin/status']).toEqual(['ANY', 'GET']);
    expect(table['/admin/status/{proxy+}']).toEqual(['ANY', 'GET']);
    expect(methodAt(template, '/admin/{proxy+}', 'GET').security).toEqual([{ sigv4: [] }]);
    expect(methodAt(template, '/admin/status/{proxy+}', 'GET').security).toEqual([{ sigv4: [] }]);
    expect(methodAt(template, '/admin/status', 'GET').security).toBeUndefined();
    // a PREFIX API that needs nothing from API Gateway rides the catch-all
    expect(table['/files']).toBeUndefined();
  });

  test('the configuration document: match mode in the routing fields, own resources in the details', () => {
    const config = proxyAsset(group, template).config;
    const byName = Object.fromEntries(config.apis.map(a => [a.name, a]));
    expect(byName.Admin).toMatchObject({ matchMode: 'PREFIX', ownResources: ['/admin', '/admin/status/{proxy+}', '/admin/{proxy+}'] });
    expect(byName.Limited).toMatchObject({ matchMode: 'PREFIX', ownResources: ['/limited', '/limited/{proxy+}'] });
    expect(byName.Files.matchMode).toBe('PREFIX');
    expect(byName.Files.ownResources).toBeUndefined();
    expect(byName.AdminStatus.matchMode).toBeUndefined();
    // routes.tsv: method, path, response, the details' byte span, then environments and match mode when not the default.
    const routes = fs.readFileSync(path.join(proxyAsset(group, template).dir, 'routes.tsv'), 'utf8').split('\n');
    expect(routes).toContainEqual(expect.stringMatching(/^GET\t\/files\tdefault\t\d+\t\d+\t\*\tPREFIX$/));
    expect(routes).toContainEqual(expect.stringMatching(/^GET\t\/admin\/status\tdefault\t\d+\t\d+$/));
  });

  test('its throttle is a method setting on each of its own resources', () => {
    // why: stage method settings key on resource path; a request below the prefix must be throttled too
    const stages = template.findResources('AWS::ApiGateway::Stage');
    const settings = Object.values(stages)[0].Properties.MethodSettings;
    expect(settings).toEqual(expect.arrayContaining([
      expect.objectContaining({ ResourcePath: '/~1limited', HttpMethod: 'GET', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 2 }),
      expect.objectContaining({ ResourcePath: '/~1limited~1{proxy+}', HttpMethod: 'GET', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 2 }),
    ]));
  });
});

test('an EXACT API on the same method and path keeps the resource; the PREFIX API owns only what is below', () => {
  const group = newGroup();
  group.addApi('Exact', { method: HttpMethod.GET, path: '/docs', backend: mock('exact'), auth: ApiAuth.iam() });
  group.addApi('Prefix', { method: HttpMethod.GET, path: '/docs', matchMode: MatchMode.PREFIX, backend: mock('prefix'), auth: ApiAuth.iam() });
  const template = templateOf(group);
  const config = proxyAsset(group, template).config;
  expect(config.apis.find(a => a.name === 'Prefix')!.ownResources).toEqual(['/docs/{proxy+}']);
  // The EXACT IAM API is served only through its own resource too (the catch-all invariant, issue 14 item 1).
  expect(config.apis.find(a => a.name === 'Exact')!.ownResources).toEqual(['/docs']);
});

describe('synth rules', () => {
  test('(method, path, match mode) is unique: EXACT and PREFIX may share, two PREFIX may not', () => {
    const group = newGroup();
    group.addApi('A', { method: HttpMethod.GET, path: '/a', backend: mock('a') });
    group.addApi('B', { method: HttpMethod.GET, path: '/a', matchMode: MatchMode.PREFIX, backend: mock('b') });
    expect(() => group.addApi('C', { method: HttpMethod.GET, path: '/a', matchMode: MatchMode.PREFIX, backend: mock('c') }))
      .toThrow(/Stack\/Group\/C.*GET \/a.*same route as Stack\/Group\/B/s);
  });

  test('a PREFIX path ending in a greedy parameter is refused, naming the rule', () => {
    const group = newGroup();
    expect(() => group.addApi('G', { method: HttpMethod.GET, path: '/a/{rest+}', matchMode: MatchMode.PREFIX, backend: mock('g') }))
      .toThrow(/Stack\/Group\/G.*greedy parameter already serves every path below it.*\[match-mode\]/s);
  });

  test('an API\'s own CORS is checked like the group\'s', () => {
    const group = newGroup();
    expect(() => group.addApi('C', { method: HttpMethod.GET, path: '/c', backend: mock('c'), cors: { allowOrigins: ['*'], allowCredentials: true } }))
      .toThrow(/Stack\/Group\/C.*"\*" with allowCredentials/s);
  });
});

describe('an API with its own CORS', () => {
  const group = newGroup({ cors: { allowOrigins: ['https://shop.example.com'] } });
  group.addApi('Public', { method: HttpMethod.GET, path: '/public', backend: mock('public'), cors: { allowOrigins: ['*'] } });
  group.addApi('PublicIam', { method: HttpMethod.ANY, path: '/signed', backend: mock('signed'), auth: ApiAuth.iam(), cors: { allowOrigins: ['*'] } });
  group.addApi('Private', { method: HttpMethod.GET, path: '/private', backend: mock('private'), auth: ApiAuth.iam() });
  const template = templateOf(group);

  test('preflights where its requests land go to the proxy; elsewhere the native preflight keeps the group\'s CORS', () => {
    // why: the native preflight answers with the group's CORS only; the proxy knows which API a path is for
    const doc = restApiDocument(template);
    // the catch-all carries /public: no native OPTIONS there, the fallback ANY brings preflights to the proxy
    expect(doc.paths['/{proxy+}'].options).toBeUndefined();
    // beside an IAM ANY, an unauthenticated OPTIONS to the proxy
    expect(methodAt(template, '/signed', 'OPTIONS')['x-amazon-apigateway-integration'].type).toBe('aws_proxy');
    expect(methodAt(template, '/signed', 'OPTIONS').security).toBeUndefined();
    // another API's own resource: the group's native preflight
    expect(methodAt(template, '/private', 'OPTIONS')['x-amazon-apigateway-integration']).toMatchObject({
      type: 'mock',
      responses: { default: { responseParameters: expect.objectContaining({ 'method.response.header.Access-Control-Allow-Origin': '\'https://shop.example.com\'' }) } },
    });
  });

  test('its CORS is in its configuration entry; native gateway responses keep the group\'s, with a warning', () => {
    const config = proxyAsset(group, template).config;
    expect(config.apis.find(a => a.name === 'Public')!.cors).toMatchObject({ allowOrigins: ['*'], allowCredentials: false });
    expect(config.apis.find(a => a.name === 'Private')!.cors).toBeUndefined();
    expect(config.cors!.allowOrigins).toEqual(['https://shop.example.com']);
    const throttled = restApiDocument(template)['x-amazon-apigateway-gateway-responses'].THROTTLED;
    expect(throttled.responseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe('\'https://shop.example.com\'');
    Annotations.fromStack(group.node.scope as any).hasWarning('/Stack/Group/Public',
      Match.stringLikeRegexp('has its own CORS: the responses API Gateway renders itself .* carry the group\'s CORS headers'));
  });
});
