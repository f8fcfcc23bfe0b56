/**
 * Synth warnings for declarations that cannot work as written (issue 7, item 11). Each is a CDK
 * annotation with an id the README lists, so a user can acknowledge it once understood.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { ApiGroup, Backend, HttpMethod, ResponseType } from 'cdk-api-groups';
import { newGroup } from '../support/synth';

const mock = (): Backend => Backend.mock();

function annotations(group: ApiGroup): Annotations {
  return Annotations.fromStack(Stack.of(group));
}

/** A group with one API on the default response. */
function group(): ApiGroup {
  const g = newGroup();
  g.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: mock() });
  return g;
}

/** The warnings of `id` (without the ack suffix check), as messages. */
function warningsOf(g: ApiGroup, id: string): string[] {
  return annotations(g).findWarning('*', Match.stringLikeRegexp(`\\[ack: ${id.replace(/[.:]/g, '\\$&')}\\]$`))
    .map(w => String(w.entry.data));
}

describe('a THROTTLED rule outside the default response', () => {
  test('warns: throttling is answered natively, so only the default response\'s THROTTLED rule applies', () => {
    // The user expects the API's response to shape its 429s; API Gateway never asks the proxy.
    const g = newGroup();
    const partner = g.addGatewayResponse('partner', { rules: [{ type: ResponseType.THROTTLED, statusCode: 503 }] });
    g.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: mock(), gatewayResponse: partner });
    annotations(g).hasWarning('/Stack/Group/Responsepartner', Match.stringLikeRegexp(
      '^response "partner" has a THROTTLED rule, which never applies: API Gateway answers throttling and quotas itself, ' +
      'with the default response\'s THROTTLED rule .*\\[ack: cdk-api-groups:throttledOutsideDefault\\]$'));
  });

  test('does not warn for the default response\'s own THROTTLED rule, or other types in other responses', () => {
    const g = newGroup({ defaultResponse: { rules: [{ type: ResponseType.THROTTLED, statusCode: 503 }] } });
    const partner = g.addGatewayResponse('partner', { rules: [{ type: ResponseType.NOT_FOUND, statusCode: 410 }] });
    g.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: mock(), gatewayResponse: partner });
    expect(warningsOf(g, 'cdk-api-groups:throttledOutsideDefault')).toEqual([]);
  });
});

describe('a response no API selects', () => {
  test('warns, naming the response', () => {
    // Its rules never render anything: usually an API forgot its gatewayResponse.
    const g = group();
    g.addGatewayResponse('partner', { rules: [{ type: ResponseType.NOT_FOUND, statusCode: 410 }] });
    annotations(g).hasWarning('/Stack/Group/Responsepartner', Match.stringLikeRegexp(
      '^response "partner" is selected by no API, so its rules never apply .*\\[ack: cdk-api-groups:unusedResponse\\]$'));
  });

  test('does not warn for a selected response, nor for default (it also answers requests no API matches)', () => {
    const g = newGroup();
    const partner = g.addGatewayResponse('partner');
    g.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: mock(), gatewayResponse: partner });
    expect(warningsOf(g, 'cdk-api-groups:unusedResponse')).toEqual([]);
  });
});

describe('a group without APIs', () => {
  test('warns: every request is NOT_FOUND', () => {
    // Usually the APIs were added to another group, or after synthesis.
    const g = newGroup();
    annotations(g).hasWarning('/Stack/Group', Match.stringLikeRegexp(
      '^API group .* has no API: every request gets NOT_FOUND .*\\[ack: cdk-api-groups:noApis\\]$'));
  });

  test('does not warn once an API exists', () => {
    expect(warningsOf(group(), 'cdk-api-groups:noApis')).toEqual([]);
  });
});

describe('a second gateway response of a type the group defines', () => {
  test.each([
    ['group.restApi.addGatewayResponse()', (g: ApiGroup) => g.restApi.addGatewayResponse('Mine', { type: apigw.ResponseType.UNAUTHORIZED, statusCode: '401' })],
    ['new apigw.GatewayResponse() elsewhere in the stack', (g: ApiGroup) => new apigw.GatewayResponse(Stack.of(g), 'Elsewhere', {
      restApi: g.restApi, type: apigw.ResponseType.DEFAULT_4XX,
    })],
  ])('added with %s warns: two resources of one type overwrite each other', (_how, add) => {
    // API Gateway keeps one response per type and REST API: which one wins depends on deployment order.
    const g = group();
    const added = add(g);
    const type = (added.node.defaultChild as apigw.CfnGatewayResponse).responseType;
    annotations(g).hasWarning(`/${added.node.path}`, Match.stringLikeRegexp(
      `^gateway response ${type} of the REST API of API group Stack/Group is also defined by the group \\(from its default response\\): ` +
      '.*\\[ack: cdk-api-groups:duplicateGatewayResponse\\]$'));
  });

  test('does not warn for the group\'s own 21 responses, nor for another REST API\'s', () => {
    const g = group();
    const other = new apigw.RestApi(Stack.of(g), 'Other');
    other.root.addMethod('GET');
    other.addGatewayResponse('Mine', { type: apigw.ResponseType.UNAUTHORIZED });
    expect(warningsOf(g, 'cdk-api-groups:duplicateGatewayResponse')).toEqual([]);
  });
});

describe('the proxy\'s per-API metrics of a direct API', () => {
  test('warn: the proxy never sees a direct API\'s requests (only the APIs that are direct, only when asked for)', () => {
    // why: an alarm on api.metricRequests() of a direct API would stay silent forever
    const g = newGroup();
    const direct = g.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: mock(), direct: true });
    const proxied = g.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: mock() });
    const quiet = g.addApi('Version', { method: HttpMethod.GET, path: '/version', backend: mock(), direct: true });
    direct.metricRequests();
    proxied.metricLatency();
    void quiet;
    const found = warningsOf(g, 'cdk-api-groups:directApiNotInProxyMetrics');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^GET \/health is integrated directly: the proxy never sees its requests/);
  });
});
