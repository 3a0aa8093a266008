/** The types of adapters/aws-sdk/client-dynamodb.cjs: those of `@aws-sdk/client-dynamodb`. */
export * from '@aws-sdk/client-dynamodb';
