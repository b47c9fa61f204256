import java.nio.charset.StandardCharsets;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The bench's "bare" case: the machine's HTTP ceiling for a JVM on Reactor Netty, with the same
 * Netty and Reactor jars as the application (scripts/bench puts the application jar's libraries on
 * the class path). Every request, whatever its path, gets the same fixed body as the liveness
 * probe. No Spring, no security, no observation, no Redis.
 *
 *   java -cp 'LIBS/*' scripts/BareServer.java PORT
 */
public final class BareServer {

  private static final byte[] BODY = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    DisposableServer server = HttpServer.create()
        .host("127.0.0.1")
        .port(port)
        .handle((request, response) -> response
            .header("Content-Type", "application/json")
            .header("Content-Length", Integer.toString(BODY.length))
            .sendByteArray(reactor.core.publisher.Mono.just(BODY)))
        .bindNow();
    System.err.println("bare server listening on " + port);
    server.onDispose().block();
  }
}
