// The showcase's function backend: answers how many bytes it received.
exports.handler = async (event) => {
  const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ bytes: body.length }) };
};
