/** The types of adapters/aws-sdk/client-s3.cjs: those of `@aws-sdk/client-s3`. */
export * from '@aws-sdk/client-s3';
