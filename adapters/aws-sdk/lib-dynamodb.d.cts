/** The types of adapters/aws-sdk/lib-dynamodb.cjs: those of `@aws-sdk/lib-dynamodb`. */
export * from '@aws-sdk/lib-dynamodb';
