// Backend function of the example's inventory API. It receives the API Gateway proxy event the
// group's proxy forwards and returns a proxy result, exactly as behind a LambdaIntegration.
exports.handler = async (event) => {
  const sku = event.pathParameters && event.pathParameters.sku;
  if (sku === 'missing') {
    return { statusCode: 404, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message: `no item ${sku}` }) };
  }
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sku, available: 12, requestId: event.requestContext && event.requestContext.requestId }),
  };
};
