// Starts DynamoDB Local (AWS's emulator, from DynamoDBLocal.jar on the class
// path) listening on 127.0.0.1 only. DynamoDB Local has no bind-address
// option and binds every interface; this sets each Jetty connector's host to
// the loopback address before the server starts. Arguments are DynamoDB
// Local's own (-port, -dbPath, -inMemory, -sharedDb, -disableTelemetry).
// It also exits when its standard input closes, which happens when the
// process that started it dies for any reason, SIGKILL included: the
// emulator never outlives the local runtime. With -dbPath and -sharedDb it
// first puts the shared database in write-ahead-log mode (see
// useWriteAheadLog).
import com.almworks.sqlite4java.SQLiteConnection;
import java.io.File;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.shared.access.sqlite.SQLiteLibraryLoader;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  /** The file DynamoDB Local keeps every table in under -dbPath with -sharedDb. */
  static final String SHARED_DB_FILE = "shared-local-instance.db";

  /**
   * Sets the shared database's journal mode to WAL (creating the file when it
   * is new) before DynamoDB Local opens it. SQLite keeps the mode in the file
   * and DynamoDB Local sets none, so its connection opens in WAL mode: a
   * commit appends to the log and syncs it once, where the default rollback
   * journal creates, syncs and deletes a journal file and syncs the database
   * on every write. Synchronous stays SQLite's FULL, so a committed write is
   * as durable as before. A database that cannot be switched (busy, read-only)
   * is left as it is: DynamoDB Local runs the same either way.
   */
  static void useWriteAheadLog(String[] args) {
    String dbPath = null;
    boolean shared = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-dbPath") && i + 1 < args.length) dbPath = args[i + 1];
      if (args[i].equals("-sharedDb")) shared = true;
    }
    if (dbPath == null || !shared) return;
    SQLiteConnection db = new SQLiteConnection(new File(dbPath, SHARED_DB_FILE));
    try {
      SQLiteLibraryLoader.initialize();
      db.open(true);
      db.exec("PRAGMA journal_mode=WAL");
      System.out.println("LoopbackDynamoDbLocal: journal mode WAL");
    } catch (Exception error) {
      System.err.println("LoopbackDynamoDbLocal: journal mode unchanged: " + error.getMessage());
    } finally {
      db.dispose();
    }
  }

  public static void main(String[] args) throws Exception {
    useWriteAheadLog(args);
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector) {
        ((ServerConnector) connector).setHost("127.0.0.1");
        bound += 1;
      }
    }
    if (bound == 0) {
      System.err.println("LoopbackDynamoDbLocal: no connector to bind; refusing to listen on all interfaces");
      System.exit(3);
    }
    Thread watchParent = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // Input is ignored; only its end matters.
        }
      } catch (java.io.IOException ignored) {
        // A broken pipe means the same as end of input.
      }
      System.out.println("LoopbackDynamoDbLocal: parent gone, exiting");
      Runtime.getRuntime().halt(0);
    });
    watchParent.setDaemon(true);
    watchParent.start();
    proxy.start();
    System.out.println("LoopbackDynamoDbLocal: listening on 127.0.0.1 only");
    proxy.join();
  }
}
