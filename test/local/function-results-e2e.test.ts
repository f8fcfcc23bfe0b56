/**
 * What a caller of a group sees when a function backend returns each AWS-recorded Lambda proxy
 * result (issue 14 item 16; test/fixtures/lambda-proxy-results/ORIGIN.md): through
 * `cdk-api-groups local` as a whole, over HTTP, with the real bundled proxy judging the result of a
 * real Node.js function run from its asset folder, and the local API Gateway layer judging the
 * proxy's own result. Where API Gateway answered 502 "Internal server error", the group answers
 * BACKEND_UNAVAILABLE with its own response.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { LocalGateway, startLocalGateway } from '../../lib/local';
import { RECORDED_CASES } from '../support/lambda-proxy-results';

const CASES = RECORDED_CASES;
const work = path.join(__dirname, '..', '.work', `local-function-results-${process.pid}`);

// The recording's function: `return json.loads(event["body"])`.
const FROM_BODY = 'exports.handler = async (event) => JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body);\n';

let gateway: LocalGateway;
let base: URL;

beforeAll(async () => {
  fs.mkdirSync(path.join(work, 'fn'), { recursive: true });
  fs.writeFileSync(path.join(work, 'fn', 'index.js'), FROM_BODY);
  const outdir = path.join(work, 'cdk.out');
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Results');
  const group = new ApiGroup(stack, 'Group', { groupName: 'results' });
  const fromBody = new lambda.Function(stack, 'FromBody', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(path.join(work, 'fn')) });
  group.addApi('Test', { method: HttpMethod.POST, path: '/test', apiName: 'test', backend: Backend.fn(fromBody, { timeout: Duration.seconds(5) }) });
  app.synth();
  gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', functionLog: () => undefined });
  base = new URL(gateway.groups[0].url);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

interface Answer { status: number; rawHeaders: string[]; body: Buffer }

function post(result: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method: 'POST', path: `${base.pathname.replace(/\/$/, '')}/test`, headers: { 'Content-Type': 'application/json' } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(result));
  });
}

/** The header lines of one name (any case), as [spelling, values joined with ", "]. */
function headerLines(a: Answer, name: string): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  for (let i = 0; i + 1 < a.rawHeaders.length; i += 2) {
    if (a.rawHeaders[i].toLowerCase() === name.toLowerCase()) { lines.push([a.rawHeaders[i], a.rawHeaders[i + 1]]); }
  }
  const spellings = [...new Set(lines.map(([n]) => n))];
  return spellings.map(s => [s, lines.filter(([n]) => n === s).map(([, v]) => v).join(', ')]);
}

test.each(CASES.map(c => [c.name, c] as const))('AWS-recorded: %s', async (_name, c) => {
  const a = await post(c.result);
  expect(a.status).toBe(c.expect.status);
  if (c.expect.status === 502) {
    expect(JSON.parse(a.body.toString('utf8'))).toMatchObject({ error_code: 'APIG.0201', error_msg: 'Backend unavailable.' });
    return;
  }
  const result = c.result as Record<string, unknown>;
  // The recorded API had no binary media types (its client got the base64 text); a group's REST
  // API declares every type binary, so its caller gets the decoded bytes.
  const body = result.isBase64Encoded === true ? Buffer.from(c.expect.body ?? '', 'base64').toString('utf8') : c.expect.body;
  expect(a.body.toString('utf8')).toBe(body);
  for (const [name, value] of Object.entries(c.expect.headers ?? {})) {
    expect(headerLines(a, name)).toEqual([[name, value]]);
  }
});
