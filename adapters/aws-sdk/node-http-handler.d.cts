/** The types of adapters/aws-sdk/node-http-handler.cjs: those of `@smithy/node-http-handler`. */
export * from '@smithy/node-http-handler';
