/**
 * Issue 8: the consumer OpenAPI document of a 1000-API group, as synthesis writes it into the cloud
 * assembly. Every operation refers to its gateway errors in `components` instead of repeating
 * them, so the document stays small (it was 10.8 MB, a large share of the group's synth time) and
 * still passes the OpenAPI validator.
 */
import * as fs from 'fs';
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
import SwaggerParser = require('@apidevtools/swagger-parser');
import { Stack } from 'aws-cdk-lib';
import { ApiGroup, Backend, DefinitionFormat, HttpMethod, ResponseType } from '../../lib';
import { addIssueApis, issueGroupProps } from '../support/issue-shape-group';
import { newApp } from '../support/synth';

describe('the consumer OpenAPI document of a 1000-API group of issue 8\'s shape', () => {
  let text: string;
  beforeAll(() => {
    const app = newApp();
    const stack = new Stack(app, 'Big');
    const group = new ApiGroup(stack, 'Group', issueGroupProps());
    addIssueApis(group);
    const outdir = app.synth().directory;
    text = fs.readFileSync(path.join(outdir, `${stack.artifactId}.${group.groupName}.openapi.json`), 'utf8');
  });

  test('is under 2 MB: each gateway error is documented once and referred to', () => {
    const doc = JSON.parse(text);
    expect(Object.keys(doc.paths)).toHaveLength(250);
    expect(text.length).toBeLessThan(2 * 1024 * 1024);
    expect(Object.keys(doc.components.responses).length).toBeLessThan(50);
  });

  test('passes the OpenAPI validator', async () => {
    await expect(SwaggerParser.validate(JSON.parse(text))).resolves.toBeDefined();
  });
});

describe('error bodies rendered once for many APIs (issue 15)', () => {
  const example = (doc: any, path_: string, method: string, status: string, type: string) => {
    let response = doc.paths[path_][method].responses[status];
    if (response.$ref) { response = doc.components.responses[response.$ref.split('/').pop()]; }
    return response.content['application/json'].examples[type].value;
  };

  test('a body naming the API or the request shows each API\'s own, one naming only the request id is the same for all', () => {
    const app = newApp();
    const group = new ApiGroup(new Stack(app, 'Stack'), 'Group', { groupName: 'shared' });
    const own = group.addGatewayResponse('own', {
      rules: [{ type: ResponseType.BACKEND_TIMEOUT, statusCode: 504, body: '{"api":"$context.apiName","path":"$context.reqPath","m":"$context.reqMethod"}' }],
    });
    const plain = group.addGatewayResponse('plain', {
      rules: [{ type: ResponseType.BACKEND_TIMEOUT, statusCode: 504, body: '{"id":"$context.requestId","stage":"$context.stage"}' }],
    });
    const add = (id: string, method: HttpMethod, p: string, response: typeof own) =>
      group.addApi(id, { method, path: p, backend: Backend.http('https://backend.example.com'), gatewayResponse: response });
    ['/a', '/b', '/c'].forEach((p, i) => add(`Own${i}`, i === 1 ? HttpMethod.POST : HttpMethod.GET, p, own));
    ['/x', '/y'].forEach((p, i) => add(`Plain${i}`, HttpMethod.GET, p, plain));
    const doc = JSON.parse(group.exportDefinition(DefinitionFormat.OPENAPI));

    const bodies = ['/a', '/b', '/c'].map((p, i) => example(doc, p, i === 1 ? 'post' : 'get', '504', 'BACKEND_TIMEOUT'));
    expect(bodies).toEqual([
      { api: 'Own0', path: '/a', m: 'GET' },
      { api: 'Own1', path: '/b', m: 'POST' },
      { api: 'Own2', path: '/c', m: 'GET' },
    ].map(b => ({ ...b, api: group.apis.find(a => a.path === b.path)!.apiName })));
    expect(example(doc, '/x', 'get', '504', 'BACKEND_TIMEOUT')).toEqual({ id: 'example-request-id', stage: group.stageName });
    expect(example(doc, '/y', 'get', '504', 'BACKEND_TIMEOUT')).toEqual(example(doc, '/x', 'get', '504', 'BACKEND_TIMEOUT'));
  });
});
