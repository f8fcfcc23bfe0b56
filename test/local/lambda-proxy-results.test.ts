/**
 * The local gateway judges a Lambda proxy result as API Gateway's Lambda proxy integration does
 * (issue 14 item 16), over HTTP: each case is a result → answer pair recorded on AWS
 * (test/fixtures/lambda-proxy-results/ORIGIN.md), served by an API shaped as the recorded one
 * (ANY /{proxy+}, AWS_PROXY, no binary media types, no gateway responses). The integration
 * returns what the request's body says, as the recording's function did.
 */
import * as http from 'http';
import * as net from 'net';
import { CfnResolver, CfnTemplate } from '../../lib/local/cfn';
import { readRestApi } from '../../lib/local/rest-api';
import { groupHandler } from '../../lib/local/server';
import { RECORDED_CASES } from '../support/lambda-proxy-results';

const CASES = RECORDED_CASES;

const API = { Ref: 'Api' };
function template(binaryMediaTypes?: string[]): CfnTemplate {
  return {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs24.x', Handler: 'index.handler' } },
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'recorded', ...(binaryMediaTypes ? { BinaryMediaTypes: binaryMediaTypes } : {}) } },
      Proxy: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: API, ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, PathPart: '{proxy+}' } },
      ProxyAny: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: API, ResourceId: { Ref: 'Proxy' }, HttpMethod: 'ANY', AuthorizationType: 'NONE',
          Integration: {
            Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST',
            Uri: { 'Fn::Join': ['', ['arn:aws:apigateway:', { Ref: 'AWS::Region' }, ':lambda:path/2015-03-31/functions/', { 'Fn::GetAtt': ['Fn', 'Arn'] }, '/invocations']] },
          },
        },
      },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: API, StageName: 'test' } },
    },
  };
}

interface Served { readonly base: string; readonly notes: string[]; close(): Promise<void> }

async function serve(tpl: CfnTemplate): Promise<Served> {
  const resolver = new CfnResolver(tpl, { region: 'eu-west-1', account: '111122223333', stackName: 'Recorded' });
  const model = readRestApi(tpl, resolver, 'Api', { stageName: 'test', seed: 'Recorded' });
  const notes: string[] = [];
  const handler = groupHandler({
    groupName: 'recorded', model, region: 'eu-west-1', account: '111122223333', stageVariables: {}, credentials: [],
    // The recording's function: `return json.loads(event["body"])`.
    invoke: async (_arn, text) => {
      const event = JSON.parse(text);
      const body = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      return { ok: true, payload: JSON.stringify(JSON.parse(body)), logs: [] };
    },
    onRequest: () => undefined,
    onNote: note => notes.push(note),
  });
  const server = http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    notes,
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

interface Answer { status: number; rawHeaders: string[]; body: Buffer }

function post(base: string, result: unknown): Promise<Answer> {
  const url = new URL(`${base}/test`);
  const payload = JSON.stringify(result);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: url.pathname, headers: { 'Content-Type': 'application/json', 'User-Agent': 'python/test' } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The header lines of one name (any case), as [spelling, values joined as the recording's client joined them]. */
function headerLines(a: Answer, name: string): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  for (let i = 0; i + 1 < a.rawHeaders.length; i += 2) {
    if (a.rawHeaders[i].toLowerCase() === name.toLowerCase()) { lines.push([a.rawHeaders[i], a.rawHeaders[i + 1]]); }
  }
  const spellings = [...new Set(lines.map(([n]) => n))];
  return spellings.map(s => [s, lines.filter(([n]) => n === s).map(([, v]) => v).join(', ')]);
}

describe('an API without binary media types, as recorded', () => {
  let s: Served;
  beforeAll(async () => { s = await serve(template()); });
  afterAll(async () => { await s.close(); });

  test.each(CASES.map(c => [c.name, c] as const))('AWS-recorded: %s', async (_name, c) => {
    const a = await post(s.base, c.result);
    expect(a.status).toBe(c.expect.status);
    if (c.expect.json !== undefined) {
      expect(JSON.parse(a.body.toString('utf8'))).toEqual(c.expect.json);
    } else {
      expect(a.body.toString('utf8')).toBe(c.expect.body);
    }
    for (const [name, value] of Object.entries(c.expect.headers ?? {})) {
      expect(headerLines(a, name)).toEqual([[name, value]]);
    }
  });

  test('cookies (an HTTP API key) and a body that is an object are malformed: 502, and the note says why', async () => {
    const cookies = await post(s.base, { statusCode: 200, cookies: ['a=1'] });
    expect([cookies.status, JSON.parse(cookies.body.toString())]).toEqual([502, { message: 'Internal server error' }]);
    expect(s.notes[s.notes.length - 1]).toMatch(/malformed Lambda proxy response: unexpected keys cookies/);
    const objectBody = await post(s.base, { statusCode: 200, body: { a: 1 } });
    expect(objectBody.status).toBe(502);
  });
});

test('with binary media types, a base64 result is decoded', async () => {
  const s = await serve(template(['*/*']));
  try {
    const a = await post(s.base, { statusCode: 200, body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true, headers: { 'Content-Type': 'image/png' } });
    expect([a.status, a.body]).toEqual([200, Buffer.from([0, 255, 1])]);
  } finally {
    await s.close();
  }
});
