/** The types of adapters/aws-sdk/client-bedrock-runtime.cjs: those of `@aws-sdk/client-bedrock-runtime`. */
export * from '@aws-sdk/client-bedrock-runtime';
