// Starts DynamoDB Local (AWS's emulator, from DynamoDBLocal.jar on the class
// path) listening on 127.0.0.1 only. DynamoDB Local has no bind-address
// option and binds every interface; this sets each Jetty connector's host to
// the loopback address before the server starts. Arguments are DynamoDB
// Local's own (-port, -dbPath, -inMemory, -sharedDb, -disableTelemetry).
// It also exits when its standard input closes, which happens when the
// process that started it dies for any reason, SIGKILL included: the
// emulator never outlives the local runtime.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
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
