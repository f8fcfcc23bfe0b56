// The example's custom authorizer function, with Huawei FunctionGraph's frontend authorizer
// contract: it receives the request's headers, query parameters and `user_data`, and answers
// { statusCode: 200, body: '{"status":"allow"|"deny","context":{...}}' }. The context is readable
// in gateway responses as $context.authorizer.frontend.<key>, even after a deny.
//
// A real authorizer verifies a signed token; this one accepts "Bearer user-<name>" so the example
// stays self-contained.
exports.handler = async (event) => {
  const headers = event.headers || {};
  const authorization = headers.Authorization || headers.authorization || '';
  const match = /^Bearer user-([a-z][a-z0-9_-]{0,31})$/.exec(authorization);
  const userData = safeJson(event.user_data);
  if (!match) {
    return result('deny', { reason: 'unknown-token', audience: userData.audience || '' });
  }
  return result('allow', { user: match[1], audience: userData.audience || '' });
};

function result(status, context) {
  return { statusCode: 200, body: JSON.stringify({ status, context }) };
}

function safeJson(text) {
  try {
    const value = JSON.parse(text || '{}');
    return value !== null && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}
