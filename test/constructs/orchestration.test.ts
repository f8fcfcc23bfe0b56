/**
 * Parameter orchestration on the synth side (issue 13 item 6): what the configuration document
 * carries for an orchestrated API, the two orchestration response types in every response and in
 * the Huawei export/import (by name), and their absence from the native translation (they have no
 * AWS native source). The synth-time limits are in validation.test.ts (rules orchestration-*).
 */
import { Template } from 'aws-cdk-lib/assertions';
import {
  ApiGroup, Backend, DefinitionFormat, HttpMethod, HuaweiDefinition, MappedParameter, OrchestrationStrategy, ParameterType,
  RequestParameter, ResponseType,
} from 'cdk-api-groups';
import { newGroup, proxyAsset, restApiDocument, templateOf } from '../support/synth';

const ORCHESTRATION_TYPES = ['ORCHESTRATION_PARAMETER_NOT_FOUND', 'ORCHESTRATION_FAILURE'];
const TYPE_BODY = '{"type":"$context.error.type","code":"$context.error.code"}';

function orchestratedGroup(): ApiGroup {
  const group = newGroup({
    defaultResponse: { rules: [{ type: ResponseType.ORCHESTRATION_FAILURE, statusCode: 422, body: TYPE_BODY }] },
  });
  group.addGatewayResponse('strict', {
    rules: [{ type: ResponseType.ORCHESTRATION_PARAMETER_NOT_FOUND, statusCode: 412, body: TYPE_BODY, headers: { 'X-Why': '$context.error.type' } }],
  });
  const tier = MappedParameter.header('X-Tier', { type: ParameterType.NUMBER });
  const none = group.addOrchestrationRule('tier_none', { strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: tier });
  const head = group.addOrchestrationRule('tier_head', { strategy: OrchestrationStrategy.headN(4), preprocessing: true });
  const list = group.addOrchestrationRule('tier_list', {
    strategy: OrchestrationStrategy.list([{ values: ['gold', 'plat'], mappedValue: '1' }]), mappedParameter: tier,
  });
  const range = group.addOrchestrationRule('uid_range', {
    strategy: OrchestrationStrategy.range([{ start: '0', end: '9223372036854775807', mappedValue: 'all' }]),
    mappedParameter: MappedParameter.query('shard'), orchestrationName: 'uid_shard',
  });
  const fallback = group.addOrchestrationRule('tier_default', { strategy: OrchestrationStrategy.defaultValue('9'), mappedParameter: tier });
  group.addApi('Offers', {
    method: HttpMethod.GET, path: '/offers', backend: Backend.http('https://offers.example.com/offers'),
    parameters: [RequestParameter.query('limit', { type: ParameterType.NUMBER }), RequestParameter.query('tier', { orchestrations: [none, head, list, fallback] })],
  });
  group.addApi('Users', {
    method: HttpMethod.GET, path: '/users/{uid}', backend: Backend.http('https://users.example.com/users/{uid}'),
    parameters: [RequestParameter.path('uid', { orchestrations: [range] })],
  });
  group.addApi('Plain', { method: HttpMethod.GET, path: '/plain', backend: Backend.mock() });
  return group;
}

test('the group lists its rules, each named by its id unless orchestrationName is set', () => {
  const group = orchestratedGroup();
  expect(group.orchestrationRules.map(r => r.orchestrationName)).toEqual(['tier_none', 'tier_head', 'tier_list', 'uid_shard', 'tier_default']);
  expect(group.orchestrationRules.map(r => r.strategy.strategyName)).toEqual(['none_value', 'head_n', 'list', 'range', 'default']);
});

test('the configuration document carries each orchestrated API\'s parameter and rules, in priority order', () => {
  const { config } = proxyAsset(orchestratedGroup());
  const byPath = Object.fromEntries(config.apis.map(a => [a.path, a]));
  expect(byPath['/offers'].orchestration).toEqual({
    parameter: { name: 'tier', in: 'query' },
    rules: [
      { name: 'tier_none', strategy: 'none_value', mapped: { name: 'X-Tier', in: 'header', type: 'number' }, value: '0' },
      { name: 'tier_head', strategy: 'head_n', preprocessing: true, length: 4 },
      { name: 'tier_list', strategy: 'list', mapped: { name: 'X-Tier', in: 'header', type: 'number' }, list: [{ values: ['gold', 'plat'], value: '1' }] },
      { name: 'tier_default', strategy: 'default', mapped: { name: 'X-Tier', in: 'header', type: 'number' }, value: '9' },
    ],
  });
  expect(byPath['/users/{uid}'].orchestration).toEqual({
    parameter: { name: 'uid', in: 'path' },
    rules: [{ name: 'uid_shard', strategy: 'range', mapped: { name: 'shard', in: 'query', type: 'string' },
      range: [{ start: '0', end: '9223372036854775807', value: 'all' }] }],
  });
  expect(byPath['/plain'].orchestration).toBeUndefined();
  // The orchestrated parameter is still validated like any other.
  expect(byPath['/offers'].parameters.map(p => p.name)).toEqual(['limit', 'tier']);
});

test('every response has a resolved rule for both orchestration types, with their defaults where not customised', () => {
  const { config } = proxyAsset(orchestratedGroup());
  for (const type of ORCHESTRATION_TYPES) {
    expect(config.errors[type]).toEqual({ code: 'APIG.0106', message: 'Orchestration error.' });
  }
  expect(config.responses.default.ORCHESTRATION_FAILURE).toEqual({ status: 422, body: TYPE_BODY, headers: {} });
  expect(config.responses.default.ORCHESTRATION_PARAMETER_NOT_FOUND.status).toBe(400);
  expect(config.responses.strict.ORCHESTRATION_PARAMETER_NOT_FOUND).toEqual({ status: 412, body: TYPE_BODY, headers: { 'X-Why': '$context.error.type' } });
  expect(config.responses.strict.ORCHESTRATION_FAILURE.status).toBe(400);
});

test('no AWS native source: the native translation of `default` has nothing for the two types', () => {
  // API Gateway never orchestrates: only the proxy produces these types, so no AWS type maps to them.
  expect(ResponseType.ORCHESTRATION_PARAMETER_NOT_FOUND.awsSources).toEqual([]);
  expect(ResponseType.ORCHESTRATION_FAILURE.awsSources).toEqual([]);
  expect(Object.values(ResponseType.awsTypeMapping()).filter(t => t.startsWith('ORCHESTRATION'))).toEqual([]);
  const template: Template = templateOf(orchestratedGroup());
  const responses = restApiDocument(template)['x-amazon-apigateway-gateway-responses'];
  expect(Object.keys(responses)).toHaveLength(20); // AWS's 21 types less REQUEST_TOO_LARGE, which cannot be customised
  expect(JSON.stringify(responses)).not.toContain('ORCHESTRATION');
});

test('the Huawei export writes both types by name, and importing it gives the same rules back', () => {
  const exported = JSON.parse(orchestratedGroup().exportDefinition(DefinitionFormat.HUAWEI));
  const responses = exported.components['x-apigateway-responses'];
  expect(responses.default.ORCHESTRATION_FAILURE).toMatchObject({ status: 422 });
  expect(responses.strict.ORCHESTRATION_PARAMETER_NOT_FOUND).toMatchObject({ status: 412 });
  const target = newGroup();
  target.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify({
    ...exported, paths: {},
  })));
  const { config } = proxyAsset(target);
  expect(config.responses.default.ORCHESTRATION_FAILURE).toEqual({ status: 422, body: TYPE_BODY, headers: {} });
  expect(config.responses.strict.ORCHESTRATION_PARAMETER_NOT_FOUND).toEqual({ status: 412, body: TYPE_BODY, headers: { 'X-Why': '$context.error.type' } });
});

test('the consumer OpenAPI export documents both types for an orchestrated API only', () => {
  const doc = JSON.parse(orchestratedGroup().exportDefinition(DefinitionFormat.OPENAPI));
  // ORCHESTRATION_FAILURE answers 422 in this group (its `default` rule); no other type does.
  expect(doc.paths['/offers'].get.responses['422']).toEqual({ $ref: '#/components/responses/default-422' });
  expect(doc.paths['/plain'].get.responses['422']).toBeUndefined();
  expect(JSON.stringify(doc.components.responses['default-422'])).toContain('ORCHESTRATION_FAILURE');
  expect(JSON.stringify(doc.components.responses['default-400'])).toContain('ORCHESTRATION_PARAMETER_NOT_FOUND');
});
