/** The format of a group's exported API definition. */
export enum DefinitionFormat {
  /**
   * OpenAPI 3.0 in Huawei Cloud APIG's import format: every API with its `x-apigateway-*`
   * extensions (backend, auth, selected response, throttle, access control), the group's gateway
   * responses, and what Huawei cannot express in an `x-cdk-api-groups` extension.
   */
  HUAWEI = 'HUAWEI',
  /**
   * A plain OpenAPI 3.0 description for the APIs' consumers (Swagger UI, client generators):
   * paths, parameters, security schemes, and every gateway error an operation can answer.
   */
  OPENAPI = 'OPENAPI',
}
