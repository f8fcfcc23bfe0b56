/**
 * CloudFormation expressions resolved as a deployment would, with local values
 * (lib/local/cfn.ts): what functions find in their environment locally.
 */
import { CfnResolver, CfnTemplate, Unresolvable } from '../../lib/local/cfn';

const TEMPLATE: CfnTemplate = {
  Parameters: { Env: { Type: 'String', Default: 'dev' }, NoDefault: { Type: 'String' } },
  Mappings: { Runtimes: { 'eu-west-1': { value: 'nodejs24.x' } } },
  Resources: {
    Backend: { Type: 'AWS::Lambda::Function', Properties: {} },
    Named: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'orders-named' } },
    AppCode: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: {} },
  },
};

const resolver = new CfnResolver(TEMPLATE, { region: 'eu-west-1', account: '111122223333', stackName: 'Orders', restApiId: id => `api-${id}` });

test('function ARNs and names, secret ARNs, pseudo parameters', () => {
  // The values the group's proxy and authorizer read from their environment.
  expect(resolver.resolve({ 'Fn::GetAtt': ['Backend', 'Arn'] })).toBe('arn:aws:lambda:eu-west-1:111122223333:function:Backend');
  expect(resolver.resolve({ 'Fn::GetAtt': 'Named.Arn' })).toBe('arn:aws:lambda:eu-west-1:111122223333:function:orders-named');
  expect(resolver.resolve({ Ref: 'Backend' })).toBe('Backend');
  expect(resolver.resolve({ Ref: 'AppCode' })).toBe('arn:aws:secretsmanager:eu-west-1:111122223333:secret:AppCode-AbCdEf');
  expect(resolver.resolve({ Ref: 'Api' })).toBe('api-Api');
  expect(resolver.resolve({ Ref: 'Table' })).toBe('Table');
  expect(resolver.resolve(['a', { Ref: 'AWS::NoValue' }, { Ref: 'AWS::Partition' }, { Ref: 'AWS::URLSuffix' }, { Ref: 'AWS::StackName' }]))
    .toEqual(['a', 'aws', 'amazonaws.com', 'Orders']);
  expect(resolver.resolve({ Ref: 'Env' })).toBe('dev');
});

test('Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::FindInMap over those', () => {
  // How CDK writes deploy-time values (tokens inside URLs, ARN parts).
  expect(resolver.resolve({ 'Fn::Join': ['', ['https://', { Ref: 'Table' }, '.example.com/', { Ref: 'AWS::Region' }]] })).toBe('https://Table.example.com/eu-west-1');
  expect(resolver.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Backend.Arn}/${!Literal}' }))
    .toBe('arn:aws:x:eu-west-1:111122223333:arn:aws:lambda:eu-west-1:111122223333:function:Backend/${Literal}');
  expect(resolver.resolve({ 'Fn::Sub': ['${A}-${Env}', { A: { Ref: 'Backend' } }] })).toBe('Backend-dev');
  expect(resolver.resolve({ 'Fn::Select': [3, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Backend', 'Arn'] }] }] })).toBe('eu-west-1');
  expect(resolver.resolve({ 'Fn::FindInMap': ['Runtimes', { Ref: 'AWS::Region' }, 'value'] })).toBe('nodejs24.x');
});

test('what has no local value is Unresolvable, with the expression named', () => {
  // Callers then say which environment variable could not be set, instead of passing a wrong value.
  expect(() => resolver.resolve({ 'Fn::ImportValue': 'Shared-Arn' })).toThrow(Unresolvable);
  expect(() => resolver.resolve({ 'Fn::GetAtt': ['Table', 'StreamArn'] })).toThrow(/Table.StreamArn/);
  expect(() => resolver.resolve({ Ref: 'Missing' })).toThrow(/Missing/);
  expect(() => resolver.resolve({ Ref: 'NoDefault' })).toThrow(/no default/);
});
