/**
 * The README is the user's reference for limits, response types and variables; these tests keep
 * it in step with the tables the code enforces, so a new rule or a changed default cannot ship
 * undocumented.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES } from '../../lib/limits';
import { NATIVE_TYPES } from '../../lib/local/gateway-responses';
import { CONTEXT_VARIABLES } from '../../lib/private/template';
import { WARN } from '../../lib/private/warnings';
import { ResponseType } from '../../lib/response-type';
import { backendResponseTooLarge, ipDenied, noVerdict, requestTooLarge } from '../../lib/runtime/proxy/gateway-error';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

function row(cells: string[]): RegExp {
  const escaped = cells.map(c => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^\\| ${escaped.join(' \\| ')} \\|`, 'm');
}

test.each(ALL_RULES.map(r => [r.id, r] as const))('the limits table documents rule %s as enforced', (_id, rule) => {
  expect(readme).toMatch(row([`\`${rule.id}\``, rule.subject, rule.allowed.replace(/\|/g, '\\|'), rule.source]));
});

test.each(ResponseType.all().map(t => [t.name, t] as const))('the response-type table documents %s with its status, code and sources', (_name, t) => {
  const code = t.iamErrorCode ? `${t.defaultErrorCode} (IAM: ${t.iamErrorCode})` : t.defaultErrorCode;
  const line = readme.split('\n').find(l => l.startsWith(`| \`${t.name}\` |`));
  expect(line).toBeDefined();
  const cells = line!.split('|').map(c => c.trim());
  expect(cells.slice(2, 4)).toEqual([String(t.defaultStatusCode ?? '(original)'), code]);
  expect(cells[4].startsWith(t.defaultErrorMessage)).toBe(true);
  expect(cells[5]).toBe(t.awsSources.join(', ') || '—');
  // API Gateway's own message for each native source, as the local gateway renders it
  const native = t.awsSources.map(aws => `${aws} ${NATIVE_TYPES[aws].message === null ? 'null' : JSON.stringify(NATIVE_TYPES[aws].message)}`);
  expect(cells[6]).toBe(native.join(', ') || '—');
});

test.each([
  ['the IP rule', ipDenied('test')],
  ['no verdict from the authorizer (fail closed)', noVerdict('test')],
  ['a backend response over Lambda\'s limit', backendResponseTooLarge()],
  ['a request over Lambda\'s invoke limit', requestTooLarge()],
])('the response-type table names the proxy\'s message for %s', (_what, error) => {
  // A user searching a log or a client for the text must find where it comes from.
  const line = readme.split('\n').find(l => l.startsWith(`| \`${error.type}\` |`))!;
  const message = line.split('|').map(c => c.trim())[4];
  expect(message).toContain(error.message!);
  if (error.code) { expect(message).toContain(`code ${error.code}`); }
});

test('the variables table lists every known variable', () => {
  for (const name of Object.keys(CONTEXT_VARIABLES)) {
    expect(readme).toContain(`| \`$context.${name}\` |`);
  }
  expect(readme).toContain('| `$context.authorizer.frontend.<key>` |');
  expect(readme).toContain('| `$stageVariables.<name>` |');
});

test.each(Object.values(WARN))('the warnings table documents %s', (id) => {
  // The id is what a user acknowledges: they must be able to look it up.
  const section = readme.slice(readme.indexOf('## Warnings'), readme.indexOf('## Snapshot testing'));
  expect(section).toContain(`| \`${id}\` |`);
});

test('the README names the two fresh-machine commands', () => {
  expect(readme).toContain('`npm ci && npm run example`');
  expect(readme).toContain('`npm ci && npm test`');
});

test('the coverage table names a producer and an existing test file for every response type', () => {
  // The promise: every type has a real producer, proven by a test a reader can find.
  const section = readme.slice(readme.indexOf('### Who produces each type'), readme.indexOf('### Variables'));
  for (const t of ResponseType.all()) {
    const line = section.split('\n').find(l => l.startsWith(`| \`${t.name}\` |`));
    expect(line).toBeDefined();
    const files = [...line!.matchAll(/`(test\/[\w./-]+\.test\.ts)`/g)].map(m => m[1]);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(fs.existsSync(path.join(__dirname, '..', '..', file))).toBe(true);
    }
  }
});
