/**
 * Issue 15: the handlers read the APIs' routing fields in place from `routes.tsv` (no object or
 * string per route at load), and each API's details from its byte span of `apis.jsonl`. What
 * must hold: the file the synth side writes reads back as the same routes; anything else is
 * refused at load with a reason naming the line; and routing over the table is exactly routing
 * over the same routes given as objects.
 */
import fc from 'fast-check';
import { ApiDocument, ROUTES_FILE_NAME, API_DETAILS_FILE_NAME } from '../../lib/private/config-document';
import { configFiles } from '../../lib/private/config-files';
import { ApiDetails } from '../../lib/runtime/shared/api-details';
import { documentRoutes } from '../../lib/runtime/shared/environment-routes';
import { RouteTable } from '../../lib/runtime/shared/route-table';
import { Router, RouteSpec } from '../../lib/runtime/proxy/router';
import { document } from './documents';

/** The files the synth side writes for `apis`. */
function filesOf(apis: Array<Partial<ApiDocument> & { path: string }>): Record<string, string> {
  const doc = document({ apis: apis.map(({ method, path }) => ({ method, path })) });
  return configFiles({ ...doc, apis: doc.apis.map((api, i) => ({ ...api, ...apis[i] })) });
}

function tableOf(apis: Array<Partial<ApiDocument> & { path: string }>): { table: RouteTable; files: Record<string, string> } {
  const files = filesOf(apis);
  return { table: RouteTable.parse(files[ROUTES_FILE_NAME], apis.length, ['default', 'strict']), files };
}

test('the synth side\'s routes read back field by field, environments and match mode included', () => {
  const { table } = tableOf([
    { method: 'GET', path: '/a/{id}' },
    { method: 'POST', path: '/b', environments: ['TEST', 'PROD'] },
    { method: 'ANY', path: '/c', environments: [], matchMode: 'PREFIX' },
    { method: 'GET', path: '/d', matchMode: 'PREFIX' },
  ]);
  expect(table.count).toBe(4);
  expect([0, 1, 2, 3].map(i => table.route(i))).toEqual([
    ['GET', '/a/{id}', 'default'],
    ['POST', '/b', 'default', ['TEST', 'PROD']],
    ['ANY', '/c', 'default', [], 'PREFIX'],
    ['GET', '/d', 'default', undefined, 'PREFIX'],
  ]);
  expect(table.publishedIn()).toEqual([undefined, ['TEST', 'PROD'], [], undefined]);
  expect([0, 1, 2, 3].map(i => table.prefix(i))).toEqual([false, false, true, true]);
  expect(table.text.slice(table.pathStarts[0], table.pathEnds[0])).toBe('/a/{id}');
});

test('a path is written once for a run of its methods, and every line of the run reads it back', () => {
  const { table, files } = tableOf([
    { method: 'GET', path: '/a/{id}' }, { method: 'POST', path: '/a/{id}' }, { method: 'GET', path: '/b' }, { method: 'PUT', path: '/a/{id}' },
  ]);
  expect(files[ROUTES_FILE_NAME].split('\n').map(line => line.split('\t')[1])).toEqual(['/a/{id}', '', '/b', '/a/{id}', undefined]);
  expect([0, 1, 2, 3].map(i => table.route(i).slice(0, 2))).toEqual([['GET', '/a/{id}'], ['POST', '/a/{id}'], ['GET', '/b'], ['PUT', '/a/{id}']]);
  const router = documentRoutes(table, i => i).forStage('RELEASE');
  expect(['GET', 'POST', 'PUT', 'DELETE'].map(m => router.match(m, '/a/7'))).toEqual([
    expect.objectContaining({ kind: 'route', target: 0, params: { id: '7' } }),
    expect.objectContaining({ kind: 'route', target: 1, params: { id: '7' } }),
    expect.objectContaining({ kind: 'route', target: 3, params: { id: '7' } }),
    { kind: 'no-method' },
  ]);
});

test('a group published everywhere makes no per-route environments list at load', () => {
  expect(tableOf([{ path: '/a' }, { path: '/b' }]).table.publishedIn()).toBeUndefined();
});

test('each API\'s details are read from its own byte span, non-ASCII text included', () => {
  const { table, files } = tableOf([{ path: '/a', name: 'caf\u00e9 \u2603' } as never, { path: '/b', name: 'second' } as never]);
  const bytes = Buffer.from(files[API_DETAILS_FILE_NAME], 'utf8');
  const reads: Array<[number, number]> = [];
  const details = new ApiDetails((offset, length) => { reads.push([offset, length]); return bytes.subarray(offset, offset + length); }, table);
  expect(details.get(1).name).toBe('second');
  expect(details.get(0).name).toBe('caf\u00e9 \u2603');
  // Only the two lines asked for, never the whole file.
  expect(reads.every(([, length]) => length < bytes.length / 2 + 1)).toBe(true);
  expect(reads).toHaveLength(2);
});

test('a details file cut short fails only the API whose line is missing', () => {
  const { table, files } = tableOf([{ path: '/a' }, { path: '/b' }]);
  const bytes = Buffer.from(files[API_DETAILS_FILE_NAME], 'utf8');
  const cut = bytes.subarray(0, table.detailsSpan(1)[0] + 3);
  const details = new ApiDetails((offset, length) => cut.subarray(offset, offset + length), table);
  expect(() => details.get(0)).not.toThrow();
  expect(() => details.get(1)).toThrow(/apis.jsonl has no line 2/);
});

describe('a routes file the handlers cannot trust is refused at load, naming the problem', () => {
  const good = () => filesOf([{ method: 'GET', path: '/a' }, { method: 'GET', path: '/b' }])[ROUTES_FILE_NAME];

  test.each([
    ['a line without its response', (t: string) => t.replace('\t/b\tdefault', '\t/b'), /routes line 2 is not/],
    ['a path without its leading slash', (t: string) => t.replace('\t/b\t', '\tb\t'), /routes line 2 is not/],
    ['a path with a space', (t: string) => t.replace('\t/b\t', '\t/b c\t'), /routes line 2 is not/],
    ['a match mode that is neither EXACT nor PREFIX', (t: string) => t.replace(/\n$/, '\t*\tSOMETIMES\n'), /routes line 2 is not/],
    ['a last line without its newline', (t: string) => t.slice(0, -1), /routes line 2 does not end with a newline/],
    ['a first line without its path', (t: string) => t.replace(/^GET\t\/a\t/, 'GET\t\t'), /routes line 1 has no path/],
    ['a greedy parameter that is not the last segment', (t: string) => t.replace('\t/b\t', '\t/files/{key+}/more\t'), /greedy parameter must be the last segment/],
    ['a response the group does not have', (t: string) => t.replace('\t/b\tdefault', '\t/b\tnope'), /apis\[1\]\.response "nope" is not a response of the group/],
  ] as Array<[string, (t: string) => string, RegExp]>)('%s', (_, tamper, reason) => {
    expect(() => RouteTable.parse(good(), 2, ['default'])).not.toThrow();
    expect(() => RouteTable.parse(tamper(good()), 2, ['default'])).toThrow(reason);
  });

  test.each([
    ['fewer lines than the document has APIs', 3, /routes has 2 lines, the document 3 APIs/],
    ['more lines than the document has APIs', 1, /more lines than the document's 1 APIs/],
    ['a count that is not a number', '2', /apiCount "2" is not a count of APIs/],
    ['a count larger than the file could hold', 1e9, /apiCount 1000000000 is not a count of APIs/],
  ] as Array<[string, unknown, RegExp]>)('%s', (_, count, reason) => {
    expect(() => RouteTable.parse(good(), count, ['default'])).toThrow(reason);
  });

  test('the synth side refuses to write a field the file cannot hold', () => {
    expect(() => configFiles(document({ apis: [{ path: '/a\tb' }] }))).toThrow(/apis\[0\]\.path cannot be written to routes.tsv/);
    const withEnvironment = document({ apis: [{ path: '/a' }] });
    expect(() => configFiles({ ...withEnvironment, apis: [{ ...withEnvironment.apis[0], environments: ['A,B'] }] }))
      .toThrow(/apis\[0\]\.environments cannot be written/);
  });
});

describe('routing over the table is routing over the same routes given as objects', () => {
  const segment = fc.oneof(
    fc.constantFrom('a', 'b', 'users', 'me', 'caf%C3%A9', '%zz', 'x.y'),
    fc.constantFrom('{id}', '{name}'),
  );
  const template = fc.tuple(fc.array(segment, { maxLength: 3 }), fc.boolean())
    .map(([segments, greedy]) => `/${[...segments, ...(greedy ? ['{rest+}'] : [])].join('/')}`);
  const route = fc.record({
    method: fc.constantFrom('GET', 'POST', 'ANY'),
    path: template,
    prefix: fc.boolean(),
  });
  const requestPath = fc.array(fc.constantFrom('a', 'b', 'users', 'me', 'caf%C3%A9', 'caf\u00e9', '%zz', 'x.y', '42', ''), { maxLength: 5 })
    .map(segments => `/${segments.join('/')}`);

  test('same match, parameters and remainder for any routes and request', () => {
    fc.assert(fc.property(fc.uniqueArray(route, { selector: r => `${r.method} ${r.path}`, maxLength: 12 }),
      fc.array(fc.tuple(fc.constantFrom('GET', 'POST', 'DELETE'), requestPath), { minLength: 1, maxLength: 8 }), (routes, requests) => {
        const specs: RouteSpec<number>[] = routes.map((r, i) => ({ method: r.method, path: r.path, target: i, prefix: r.prefix && !r.path.includes('+') }));
        const files = filesOf(specs.map(s => ({ method: s.method as ApiDocument['method'], path: s.path, ...(s.prefix ? { matchMode: 'PREFIX' } : {}) })));
        const table = RouteTable.parse(files[ROUTES_FILE_NAME], specs.length, ['default']);
        const fromTable = documentRoutes(table, i => i).forStage('RELEASE');
        const fromObjects = Router.of(specs);
        for (const [method, p] of requests) {
          expect(fromTable.match(method, p)).toEqual(fromObjects.match(method, p));
        }
      }), { numRuns: 300 });
  });
});
