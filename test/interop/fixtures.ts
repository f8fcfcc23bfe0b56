/** The Huawei definitions of test/fixtures/huawei, and what maps their FunctionGraph functions and VPC channels. */
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'huawei');

/** Lambda functions standing for the fixtures' FunctionGraph functions (by URN, and by the ARN the library's exports write). */
export function shopFunctions(stack: Stack): Record<string, lambda.IFunction> {
  const createOrder = lambda.Function.fromFunctionArn(stack, 'CreateOrderFn', 'arn:aws:lambda:eu-west-1:123456789012:function:create-order');
  const jwt = lambda.Function.fromFunctionArn(stack, 'JwtFn', 'arn:aws:lambda:eu-west-1:123456789012:function:jwt-auth');
  return {
    'urn:fss:eu-west-101:0123456789abcdef:function:default:create_order:latest': createOrder,
    'urn:fss:eu-west-101:0123456789abcdef:function:default:jwt_auth': jwt,
    [createOrder.functionArn]: createOrder,
    [jwt.functionArn]: jwt,
  };
}

export const VPC_CHANNELS = { orders_channel: 'http://10.0.0.5:8080' };
