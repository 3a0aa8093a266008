/**
 * The starter's work per queue message: parse the S3 notification into
 * uploads and admit each one (see `functions/shared/admission.ts`).
 */

export {
  InvalidNotificationError,
  type NotifiedUpload,
  type ParsedMessage,
  parseMessage,
} from '#contracts/ingest-message.ts';
export {
  type AdmitDependencies,
  type AdmitOutcome,
  admitUpload,
  type StartOutcome,
  startExtraction,
} from '#functions/shared/admission.ts';
