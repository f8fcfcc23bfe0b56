/**
 * Environments at runtime (issue 9): every environment is a stage of the same REST API, so the
 * built proxy and authorizer see every stage's requests and route with the APIs published in the
 * stage the request arrived on (requestContext.stage). Elsewhere the API does not exist.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROUTES_FILE_NAME } from '../../lib/private/config-document';
import type { ConfigDocument } from '../../lib/private/config-document';
import { writeConfigFiles } from '../../lib/private/config-files';
import { proxyEvent } from '../support/events';
import { cleanWorkDirs, freshWorkDir, LoadedProxy, loadGroupAssets, loadProxyAsset, loadProxyFromDir, PROXY_ASSET } from '../support/proxy-harness';
import { document, DocumentInput } from './documents';
import { captureLogs, json } from './helpers';

beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(() => { cleanWorkDirs(); });

/** A document whose APIs are published where `published` says (by API id; absent: everywhere). */
function publishedDocument(input: DocumentInput, published: Record<string, unknown>): ConfigDocument {
  const doc = document(input);
  return {
    ...doc,
    apis: doc.apis.map(a => (published[a.id] !== undefined ? { ...a, environments: published[a.id] } : a)),
  } as ConfigDocument;
}

describe('the proxy routes with the APIs published in the request\'s stage', () => {
  let proxy: LoadedProxy;
  beforeAll(async () => {
    proxy = await loadProxyAsset(publishedDocument({
      apis: [
        { id: 'orders', path: '/orders' },
        { id: 'beta', path: '/beta' },
        { id: 'me', path: '/users/me' },
        { id: 'user', path: '/users/{id}' },
      ],
    }, { beta: ['TEST', 'BETA_2'], me: ['TEST'] }));
  });

  test('an API not published in the stage gets NOT_FOUND there, and answers in a stage it is published in', async () => {
    // why: Huawei's NOT_FOUND says "...has not been published in the environment"; the stage is the environment
    const refused = await proxy.invoke(proxyEvent({ path: '/beta', stage: 'RELEASE', requestId: 'rid-env' }));
    expect(refused.statusCode).toBe(404);
    expect(json(refused)).toEqual({
      error_code: 'APIG.0101',
      error_msg: 'The API does not exist or has not been published in the environment.',
      request_id: 'rid-env',
    });
    for (const stage of ['TEST', 'BETA_2']) {
      const served = await proxy.invoke(proxyEvent({ path: '/beta', stage }));
      expect([stage, served.statusCode, served.body]).toEqual([stage, 200, 'GET /beta']);
    }
  });

  test('an API published everywhere answers in every stage', async () => {
    for (const stage of ['RELEASE', 'TEST', 'BETA_2']) {
      const r = await proxy.invoke(proxyEvent({ path: '/orders', stage }));
      expect([stage, r.statusCode, r.body]).toEqual([stage, 200, 'GET /orders']);
    }
  });

  test('where a more specific API is not published, the request routes as if it were not declared', async () => {
    // why: an unpublished API does not exist in that environment, so /users/{id} takes /users/me there
    expect((await proxy.invoke(proxyEvent({ path: '/users/me', stage: 'TEST' }))).body).toBe('GET /users/me');
    expect((await proxy.invoke(proxyEvent({ path: '/users/me', stage: 'RELEASE' }))).body).toBe('GET /users/{id}');
  });

  test('a stage the document does not name only serves the APIs published everywhere', async () => {
    // why: a stage added to the REST API by hand is no environment of the group
    expect((await proxy.invoke(proxyEvent({ path: '/beta', stage: 'handmade' }))).statusCode).toBe(404);
    expect((await proxy.invoke(proxyEvent({ path: '/orders', stage: 'handmade' }))).statusCode).toBe(200);
  });
});

test('the authorizer routes per stage too: it authenticates only for an API published there', async () => {
  // why: in a stage where the API is unpublished the authorizer must not demand its credential (the answer is NOT_FOUND)
  const gateway = await loadGroupAssets(publishedDocument({
    apis: [{ id: 'secure', path: '/secure', auth: { type: 'APP', apps: ['mobile'] } }],
    apps: { mobile: { id: 'app-mobile', name: 'mobile', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:mobile-AbCdEf' } },
  }, { secure: ['TEST'] }));
  const release = await gateway.request({ path: '/secure', stage: 'RELEASE' });
  expect(release.authorization?.context).toMatchObject({ apigVerdict: 'ok', apigApi: '' });
  expect(release.result.statusCode).toBe(404);
  const test = await gateway.request({ path: '/secure', stage: 'TEST' });
  expect(test.authorization?.context).toMatchObject({ apigVerdict: 'AUTH_HEADER_MISSING', apigApi: 'secure' });
  expect(test.result.statusCode).toBe(401);
});

test.each([
  ['a list with an empty name', 'TEST,'],
  ['a name with a space', 'TE ST'],
  ['names joined by something else than a comma', 'TEST;PROD'],
  ['every environment and a name', '*,TEST'],
])('an environments field that is %s refuses the document (DEFAULT_5XX): never served in the wrong place', async (_, field) => {
  // why: routes.tsv is read in place at cold start; a field it cannot read must not publish the API anywhere
  const dir = freshWorkDir('environments');
  fs.copyFileSync(PROXY_ASSET, path.join(dir, 'index.js'));
  writeConfigFiles(dir, publishedDocument({ apis: [{ id: 'beta', path: '/beta' }] }, { beta: ['TEST'] }));
  const routes = path.join(dir, ROUTES_FILE_NAME);
  const line = fs.readFileSync(routes, 'utf8');
  expect(line).toMatch(/\tTEST\n$/);
  fs.writeFileSync(routes, line.replace(/\tTEST\n$/, `\t${field}\n`));
  const logs = captureLogs();
  const proxy = loadProxyFromDir(dir);
  expect(logs.some(l => JSON.parse(l).msg === 'configuration refused')).toBe(true);
  const r = await proxy.invoke(proxyEvent({ path: '/beta', stage: 'TEST' }));
  expect(r.statusCode).toBe(500);
});

test('the authorizer names the routed API in its context (id and name), for the stages\' access log', async () => {
  // why: the access log can only read $context.authorizer.*; a no-route request names none
  const gateway = await loadGroupAssets(publishedDocument({
    apis: [{ id: 'secure', name: 'get-secure', path: '/secure', auth: { type: 'APP', apps: ['mobile'] } }],
    apps: { mobile: { id: 'app-mobile', name: 'mobile', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:mobile-AbCdEf' } },
  }, {}));
  expect((await gateway.request({ path: '/secure' })).authorization?.context).toMatchObject({ apigApi: 'secure', apigApiName: 'get-secure' });
  expect((await gateway.request({ path: '/nowhere' })).authorization?.context).not.toHaveProperty('apigApiName');
});
