// The showcase's custom authorizer (Huawei FunctionGraph's frontend authorizer contract). It decides
// by the X-Mode header so that each outcome can be produced with curl:
//   allow      → {"status":"allow","context":{"user":"alice",...}}  (context readable as $context.authorizer.frontend.<key>)
//   deny       → {"status":"deny","context":{"reason":"denied-by-showcase"}}  → AUTHORIZER_FAILURE
//   malformed  → a body that is not the contract's JSON                → AUTHORIZER_CONF_FAILURE
// (Any other value, or none, fails the identity source's validation first: AUTHORIZER_IDENTITIES_FAILURE.)
exports.handler = async (event) => {
  const headers = event.headers || {};
  const mode = headers['x-mode'] || headers['X-Mode'] || '';
  if (mode === 'allow') {
    return { statusCode: 200, body: JSON.stringify({ status: 'allow', context: { user: 'alice', tier: 'gold' } }) };
  }
  if (mode === 'deny') {
    return { statusCode: 200, body: JSON.stringify({ status: 'deny', context: { reason: 'denied-by-showcase' } }) };
  }
  return { statusCode: 200, body: 'this is not the authorizer contract' };
};
