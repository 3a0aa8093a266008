/**
 * How DynamoDB Local's JVM is launched for a fast start: the C1 compiler only
 * (an emulator on a laptop never runs long enough to repay C2), and an
 * application class-data sharing archive of its ~5,700 classes, built once
 * per Java version and DynamoDB Local release in the background after the
 * first start and used by every later one.
 *
 * The archive needs a class path of plain jars: DynamoDBLocal.jar's manifest
 * names its own folder (`.`), which class-data sharing refuses, so a copy
 * with an empty manifest Class-Path and the launcher packed as a jar live in
 * the cache folder. Without the JDK's `jar` tool, or while the archive is
 * being built, the JVM starts as before with only the C1 flag; a stale or
 * unusable archive is ignored by the JVM (`-Xshare:auto`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fromRepoRoot } from '#infra/repo-paths.ts';

/** JVM flags every start uses: start-up over peak throughput. */
export const FAST_START_FLAGS: readonly string[] = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-XX:-UsePerfData',
];

export interface JvmLaunch {
  /** Flags before the class path. */
  readonly flags: readonly string[];
  /** `-cp` value. */
  readonly classPath: string;
  /** Whether the class-data archive is used by this start. */
  readonly classDataSharing: 'used' | 'building' | 'unavailable';
  /** Called once the emulator answers: starts the archive build if this start records the class list. */
  readonly onReady: () => void;
}

/** A build lock older than this belongs to a process that died. */
const STALE_LOCK_MS = 10 * 60_000;

const hashOf = (...parts: readonly string[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
};

/** Packs the compiled launcher and an empty-Class-Path copy of DynamoDBLocal.jar; false without `jar`. */
const prepareJars = (cacheDir: string, jarFolder: string, launcherClasses: string): boolean => {
  const done = join(cacheDir, 'jars.ok');
  if (existsSync(done)) return true;
  const staging = `${cacheDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const run = (args: string[]) =>
    spawnSync('jar', args, { stdio: 'ignore', timeout: 60_000 }).status === 0;
  copyFileSync(join(jarFolder, 'DynamoDBLocal.jar'), join(staging, 'DynamoDBLocal.jar'));
  writeFileSync(join(staging, 'manifest.txt'), 'Class-Path: \n');
  const ok =
    run([
      '--update',
      '--file',
      join(staging, 'DynamoDBLocal.jar'),
      '--manifest',
      join(staging, 'manifest.txt'),
    ]) && run(['--create', '--file', join(staging, 'launcher.jar'), '-C', launcherClasses, '.']);
  if (!ok) {
    rmSync(staging, { recursive: true, force: true });
    return false;
  }
  writeFileSync(join(staging, 'jars.ok'), '');
  if (existsSync(done)) {
    rmSync(staging, { recursive: true, force: true });
    return true;
  }
  rmSync(cacheDir, { recursive: true, force: true });
  try {
    renameSync(staging, cacheDir);
  } catch {
    // Another process finished first; its folder is as good as ours.
    rmSync(staging, { recursive: true, force: true });
  }
  return existsSync(done);
};

/** Takes the build lock unless a live one exists. */
const takeLock = (lock: string): boolean => {
  if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) {
    rmSync(lock, { force: true });
  }
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch {
    return false;
  }
};

/** Archive builds still running: none may outlive the stack that started it. */
const archiveBuilds = new Set<{
  readonly child: ChildProcess;
  readonly lock: string;
  readonly staging: string;
  readonly classList: string;
}>();

/** Ends every archive build still running (the next start builds again) and clears its files. */
export const stopArchiveBuilds = (): void => {
  for (const build of archiveBuilds) {
    const pid = build.child.pid;
    try {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    for (const file of [build.lock, build.staging, build.classList]) rmSync(file, { force: true });
    archiveBuilds.delete(build);
  }
};

/**
 * Flags and class path for one DynamoDB Local start. `launcherClasses` is the
 * compiled launcher's folder (undefined when only the source launcher runs,
 * in which case only the C1 flag applies); `javaVersion` keys the archive.
 */
export const dynamoDbJvmLaunch = (options: {
  readonly jarFolder: string;
  readonly launcherClasses: string | undefined;
  readonly defaultClassPath: string;
  readonly javaVersion: string;
}): JvmLaunch => {
  const { jarFolder, launcherClasses, defaultClassPath, javaVersion } = options;
  // MEDEXTRACT_DYNAMODB_JVM=default|c1 turns the speed-ups off for comparison
  // (test/bench/dynamodb-start.ts); unset, both apply.
  const mode = process.env.MEDEXTRACT_DYNAMODB_JVM;
  const plain: JvmLaunch = {
    flags: mode === 'default' ? [] : FAST_START_FLAGS,
    classPath: defaultClassPath,
    classDataSharing: 'unavailable',
    onReady: () => undefined,
  };
  if (!launcherClasses || mode === 'default' || mode === 'c1') return plain;
  const libDir = join(jarFolder, 'DynamoDBLocal_lib');
  const libJars = readdirSync(libDir)
    .filter((name) => name.endsWith('.jar'))
    .sort();
  const cacheDir = fromRepoRoot(
    join(
      'node_modules',
      '.cache',
      'medextract',
      `dynamodb-cds-${hashOf(javaVersion, jarFolder, launcherClasses, ...libJars)}`,
    ),
  );
  if (!prepareJars(cacheDir, jarFolder, launcherClasses)) return plain;
  const classPath = [
    join(cacheDir, 'launcher.jar'),
    join(cacheDir, 'DynamoDBLocal.jar'),
    ...libJars.map((name) => join(libDir, name)),
  ].join(':');
  const archive = join(cacheDir, 'dynamodb.jsa');
  if (existsSync(archive)) {
    return {
      flags: [...FAST_START_FLAGS, `-XX:SharedArchiveFile=${archive}`, '-Xshare:auto'],
      classPath,
      classDataSharing: 'used',
      onReady: () => undefined,
    };
  }
  const lock = join(cacheDir, 'build.lock');
  if (!takeLock(lock)) return { ...plain, classPath, classDataSharing: 'building' };
  const liveList = join(cacheDir, `classes.${process.pid}.live.lst`);
  const classList = join(cacheDir, `classes.${process.pid}.lst`);
  let built = false;
  return {
    flags: [...FAST_START_FLAGS, `-XX:DumpLoadedClassList=${liveList}`],
    classPath,
    classDataSharing: 'building',
    // The dump runs in its own process group so it does not delay this start;
    // it renames the archive into place only when complete, and the stack's
    // stop (or this process's exit) ends it if it is still running.
    onReady: () => {
      if (built) return;
      built = true;
      // The running JVM keeps appending: dump what it loaded up to now, whole lines only.
      let loaded: string;
      try {
        loaded = readFileSync(liveList, 'utf8');
      } catch {
        rmSync(lock, { force: true });
        return;
      }
      writeFileSync(classList, loaded.slice(0, loaded.lastIndexOf('\n') + 1));
      rmSync(liveList, { force: true });
      const staging = `${archive}.${process.pid}.tmp`;
      const child = spawn(
        'sh',
        [
          '-c',
          'java -Xshare:dump -XX:SharedClassListFile="$1" -XX:SharedArchiveFile="$2" -cp "$3" ' +
            '&& mv "$2" "$4"; rm -f "$1" "$2" "$5"',
          'dynamodb-cds',
          classList,
          staging,
          classPath,
          archive,
          lock,
        ],
        { detached: true, stdio: 'ignore' },
      );
      child.on('error', () => rmSync(lock, { force: true }));
      child.unref();
      const build = { child, lock, staging, classList };
      archiveBuilds.add(build);
      child.on('exit', () => archiveBuilds.delete(build));
    },
  };
};
