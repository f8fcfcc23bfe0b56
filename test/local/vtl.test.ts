/**
 * The local mapping-template interpreter (lib/local/vtl.ts): what MOCK templates rely on, and that a
 * template is data, never code: decoded text is not interpreted again, unknown constructs are refused.
 */
import { renderVtl, VtlError, VtlScope } from '../../lib/local/vtl';

const SCOPE: VtlScope = {
  context: { requestId: 'req-1', stage: 'RELEASE', authorizer: { user: 'alice' } },
  input: { body: '{"a":1}', path: { id: '7' }, querystring: { lang: 'fr' }, header: { Origin: 'https://a.example.com' } },
  stageVariables: { env: 'test' },
};

test('references, #set overrides and $util.base64Decode; decoded text is output as it is', () => {
  const hostile = '$context.requestId #set($x = 1) #foreach($i in [1]) ${x}';
  const r = renderVtl('#set($context.responseOverride.header.X-Request-Id = $context.requestId)'
    + `#set($context.responseOverride.header.Content-Type = "text/plain")$util.base64Decode("${Buffer.from(hostile).toString('base64')}")`, SCOPE);
  expect(r.output).toBe(hostile);
  expect(r.headerOverrides).toEqual({ 'X-Request-Id': 'req-1', 'Content-Type': 'text/plain' });
});

test('#if/#elseif/#else, comparisons, $input.params, quiet and undefined references', () => {
  const t = '#if($input.params("lang") == "de")de#elseif($input.params().header.get("Origin") != "" && $stageVariables.env == "test")ok#{else}no#end'
    + ' $context.authorizer.user $!missing $missing ## comment\n';
  expect(renderVtl(t, SCOPE).output).toBe('ok alice  $missing ');
});

test('status overrides outside 100-599 are ignored, as AWS does', () => {
  expect(renderVtl('#set($context.responseOverride.status = 201)', SCOPE).statusOverride).toBe(201);
  expect(renderVtl('#set($context.responseOverride.status = 999)', SCOPE).statusOverride).toBeUndefined();
});

test('what the interpreter does not know is refused, not guessed', () => {
  for (const t of ['#foreach($i in $list)x#end', '#if(true)x', '$util.parseJson("{}")', '#set($context.requestId = "x")', '#macro(m)x#end']) {
    expect(() => renderVtl(t, SCOPE)).toThrow(VtlError);
  }
});
