/**
 * DynamoDB Local's JVM launch choices: the comparison switches turn the
 * speed-ups off, the C1 flags apply whenever they are not turned off, and
 * without a compiled launcher no class-data archive is attempted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoDbJvmLaunch, FAST_START_FLAGS } from '#local/dynamodb-jvm.ts';

const base = {
  jarFolder: '/nonexistent/dynamodb_local',
  defaultClassPath: '/launcher:/nonexistent/dynamodb_local/DynamoDBLocal.jar',
  javaVersion: 'openjdk version "17.0.15"',
};
const saved = process.env.MEDEXTRACT_DYNAMODB_JVM;

afterEach(() => {
  if (saved === undefined) delete process.env.MEDEXTRACT_DYNAMODB_JVM;
  else process.env.MEDEXTRACT_DYNAMODB_JVM = saved;
});

describe('dynamoDbJvmLaunch', () => {
  it('starts with no extra flags and the default class path when set to default', () => {
    process.env.MEDEXTRACT_DYNAMODB_JVM = 'default';
    const launch = dynamoDbJvmLaunch({ ...base, launcherClasses: '/launcher' });
    expect(launch.flags).toEqual([]);
    expect(launch.classPath).toBe(base.defaultClassPath);
    expect(launch.classDataSharing).toBe('unavailable');
  });

  it('uses the C1-only flags and no archive when set to c1', () => {
    process.env.MEDEXTRACT_DYNAMODB_JVM = 'c1';
    const launch = dynamoDbJvmLaunch({ ...base, launcherClasses: '/launcher' });
    expect(launch.flags).toEqual(FAST_START_FLAGS);
    expect(launch.flags).toContain('-XX:TieredStopAtLevel=1');
    expect(launch.flags.some((flag) => flag.startsWith('-XX:SharedArchiveFile'))).toBe(false);
    expect(launch.classPath).toBe(base.defaultClassPath);
  });

  it('attempts no archive for the source launcher, keeping the C1 flags', () => {
    delete process.env.MEDEXTRACT_DYNAMODB_JVM;
    const launch = dynamoDbJvmLaunch({ ...base, launcherClasses: undefined });
    expect(launch.flags).toEqual(FAST_START_FLAGS);
    expect(launch.classDataSharing).toBe('unavailable');
  });
});
