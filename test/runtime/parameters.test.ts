/**
 * Request-parameter validation: every rule of ParameterDocument, in path, query and header,
 * answered with REQUEST_PARAMETERS_FAILURE and a message naming the parameter and the rule.
 */
import type { ParameterDocument } from '../../lib/private/config-document';
import { proxyEvent } from '../support/events';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { ApiInput, document } from './documents';
import { captureLogs, json } from './helpers';

type Location = 'path' | 'query' | 'header';
type Rule = Partial<ParameterDocument> & { required?: boolean };

interface Case {
  readonly rule: string;
  readonly param: Rule;
  readonly good: string;
  readonly bad: string | undefined; // undefined: the parameter is not sent
  readonly message: string;
}

const CASES: Case[] = [
  { rule: 'required', param: { type: 'STRING', required: true }, good: 'x', bad: undefined, message: 'is required.' },
  { rule: 'number', param: { type: 'NUMBER' }, good: '-12.5', bad: '12abc', message: 'must be a number.' },
  { rule: 'enumeration', param: { type: 'STRING', enumerations: ['red', 'green'] }, good: 'green', bad: 'blue', message: 'must be one of "red", "green".' },
  { rule: 'minimum', param: { type: 'NUMBER', minimum: 10 }, good: '10', bad: '9.99', message: 'must be at least 10.' },
  { rule: 'maximum', param: { type: 'NUMBER', maximum: 20 }, good: '2e1', bad: '20.5', message: 'must be at most 20.' },
  { rule: 'minLength', param: { type: 'STRING', minLength: 3 }, good: 'abc', bad: 'ab', message: 'must be at least 3 characters long.' },
  { rule: 'maxLength', param: { type: 'STRING', maxLength: 5 }, good: 'abcde', bad: 'abcdef', message: 'must be at most 5 characters long.' },
];

const LOCATIONS: Location[] = ['path', 'query', 'header'];
// Header names are case-insensitive: declared in one case, sent in another.
const NAMES: Record<Location, { declared: string; sent: string }> = {
  path: { declared: 'v', sent: 'v' },
  query: { declared: 'v', sent: 'v' },
  header: { declared: 'X-Api-Value', sent: 'x-api-value' },
};

function apiFor(loc: Location, c: Case): ApiInput {
  return {
    path: loc === 'path' ? `/path/${c.rule}/{v}` : `/${loc}/${c.rule}`,
    parameters: [{ name: NAMES[loc].declared, in: loc, type: 'STRING', required: false, ...c.param } as ParameterDocument],
  };
}

function eventFor(loc: Location, c: Case, value: string | undefined): ReturnType<typeof proxyEvent> {
  const sent = NAMES[loc].sent;
  switch (loc) {
    case 'path': return proxyEvent({ path: `/path/${c.rule}/${encodeURIComponent(value ?? '')}` });
    case 'query': return proxyEvent({ path: `/query/${c.rule}`, query: value === undefined ? undefined : { [sent]: value } });
    case 'header': return proxyEvent({ path: `/header/${c.rule}`, headers: value === undefined ? {} : { [sent]: value } });
  }
}

let proxy: LoadedProxy;

beforeAll(async () => {
  const apis: ApiInput[] = [];
  for (const loc of LOCATIONS) {
    for (const c of CASES) { apis.push(apiFor(loc, c)); }
  }
  apis.push({ path: '/multi', parameters: [{ name: 'n', in: 'query', type: 'NUMBER', required: true }] });
  apis.push({ path: '/long', parameters: [{ name: 'v', in: 'query', type: 'STRING', required: false, maxLength: 3 }] });
  apis.push({ path: '/unicode', parameters: [{ name: 'v', in: 'query', type: 'STRING', required: false, maxLength: 2 }] });
  proxy = await loadProxyAsset(document({ apis }));
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(() => { cleanWorkDirs(); });

// A path parameter is always present when its route matches, so "required" cannot fail there.
const MATRIX = LOCATIONS.flatMap(loc => CASES.filter(c => !(loc === 'path' && c.rule === 'required')).map(c => [loc, c.rule, c] as const));

test.each(MATRIX)('%s %s: a valid value passes, an invalid one is rejected with its rule', async (loc, _rule, c) => {
  // why: users declare these rules so that bad requests never reach their backend
  const ok = await proxy.invoke(eventFor(loc, c, c.good));
  expect(ok.statusCode).toBe(200);
  const bad = await proxy.invoke(eventFor(loc, c, c.bad));
  expect(bad.statusCode).toBe(400);
  expect(json(bad)).toMatchObject({
    error_code: 'APIG.0201',
    error_msg: `API request error. Parameter "${NAMES[loc].declared}" in ${loc} ${c.message}`,
  });
});

test.each(['Infinity', 'NaN', '0x10', '1e999', ' 5', '5 ', '1,5', '--1', '.'])('NUMBER rejects %j', async value => {
  // why: "a number" means a finite decimal number, not whatever Number() accepts
  const c = CASES[1];
  const r = await proxy.invoke(eventFor('query', c, value));
  expect(r.statusCode).toBe(400);
});

test.each(['0', '-0.5', '+3', '1e3', '.5', '5.'])('NUMBER accepts %j', async value => {
  const r = await proxy.invoke(eventFor('query', CASES[1], value));
  expect(r.statusCode).toBe(200);
});

test('an empty value counts as missing for a required parameter', async () => {
  // why: `?v=` carries no value; accepting it would defeat "required"
  const r = await proxy.invoke(eventFor('query', CASES[0], ''));
  expect(json(r).error_msg).toBe('API request error. Parameter "v" in query is required.');
});

test('every value of a repeated query parameter is validated', async () => {
  // why: a backend may read any of the values
  const ok = await proxy.invoke(proxyEvent({ path: '/multi', query: { n: ['1', '2'] } }));
  expect(ok.statusCode).toBe(200);
  const bad = await proxy.invoke(proxyEvent({ path: '/multi', query: { n: ['1', 'x'] } }));
  expect(json(bad).error_msg).toBe('API request error. Parameter "n" in query must be a number.');
});

test('single-value query and header maps are read when the multi-value maps are null', async () => {
  // why: either map may be null in an event
  const event: any = proxyEvent({ path: '/multi', query: { n: 'x' } });
  event.multiValueQueryStringParameters = null;
  expect((await proxy.invoke(event)).statusCode).toBe(400);
  event.queryStringParameters = { n: '3' };
  expect((await proxy.invoke(event)).statusCode).toBe(200);
  const h: any = eventFor('header', CASES[1], 'abc');
  h.multiValueHeaders = null;
  expect((await proxy.invoke(h)).statusCode).toBe(400);
});

test('the message never quotes the value sent', async () => {
  // why: error bodies and logs must not carry large or sensitive request content
  const logs = captureLogs();
  const value = `secret-${'x'.repeat(10_000)}`;
  const r = await proxy.invoke(proxyEvent({ path: '/long', query: { v: value } }));
  expect(r.statusCode).toBe(400);
  expect(r.body).not.toContain('secret');
  expect(r.body.length).toBeLessThan(300);
  expect(logs.join('\n')).not.toContain('secret');
});

test('lengths count characters, not UTF-16 units', async () => {
  // why: an emoji is one character to the user who typed it
  expect((await proxy.invoke(proxyEvent({ path: '/unicode', query: { v: '\u{1F600}\u{1F600}' } }))).statusCode).toBe(200);
  expect((await proxy.invoke(proxyEvent({ path: '/unicode', query: { v: '\u{1F600}\u{1F600}x' } }))).statusCode).toBe(400);
});
