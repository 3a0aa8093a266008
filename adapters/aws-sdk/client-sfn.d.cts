/** The types of adapters/aws-sdk/client-sfn.cjs: those of `@aws-sdk/client-sfn`. */
export * from '@aws-sdk/client-sfn';
