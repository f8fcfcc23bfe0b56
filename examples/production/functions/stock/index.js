// Backend function of the production example's stock API: it receives the proxy event the group's
// proxy forwards (the environment's variables in `stageVariables`) and returns a proxy result.
exports.handler = async (event) => {
  const sku = event.pathParameters && event.pathParameters.sku;
  const warehouse = (event.stageVariables && event.stageVariables.warehouse) || 'main';
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sku, warehouse, available: 3 }),
  };
};
