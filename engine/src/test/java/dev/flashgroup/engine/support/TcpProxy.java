package dev.flashgroup.engine.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards a loopback port to a real service, so a test can make that service unreachable for the
 * application and bring it back without stopping the server other tests share. {@link #cut()}
 * drops every forwarded connection and closes the port (reconnects are refused); {@link #restore()}
 * listens on the same port again. {@link #stall()} keeps every connection open but stops moving bytes
 * either way, as a broker that hangs or a network that drops packets would, until the next cut.
 *
 * <p>Plain blocking sockets on the proxy's own daemon threads: none of this runs on a Reactor
 * thread, so BlockHound has nothing to object to.
 */
public final class TcpProxy implements AutoCloseable {

  // Below Linux's default ephemeral range (32768-60999), so no outgoing connection of the
  // application can take the port while the proxy is cut and stop restore() from binding it.
  private static final int LOWEST_PORT = 20_000;
  private static final int HIGHEST_PORT = 32_000;
  private static final int CONNECT_TIMEOUT_MILLIS = 3_000;
  private static final long REBIND_PATIENCE_MILLIS = 10_000;
  private static final long REBIND_RETRY_MILLIS = 50;

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> forwarded = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private ServerSocket listening;
  private boolean stalled;

  private TcpProxy(InetSocketAddress target, ServerSocket listening) {
    this.target = target;
    this.listening = listening;
    this.port = listening.getLocalPort();
    acceptOn(listening);
  }

  /** Starts forwarding a free loopback port to {@code host:port}. */
  public static TcpProxy to(String host, int port) {
    return new TcpProxy(new InetSocketAddress(host, port), bindFreePort());
  }

  /** The loopback port the application should connect to. */
  public int port() {
    return port;
  }

  /** Connections accepted since the proxy started, to prove the traffic really went through it. */
  public int accepted() {
    return accepted.get();
  }

  /** Stops forwarding on every connection without closing any: what was sent is held, nothing answers. */
  public synchronized void stall() {
    stalled = true;
  }

  /** Closes every forwarded connection and stops accepting: the service is gone for the application. */
  public synchronized void cut() {
    stalled = false;
    notifyAll();
    closeQuietly(listening);
    listening = null;
    forwarded.forEach(TcpProxy::closeQuietly);
    forwarded.clear();
  }

  /**
   * Accepts connections on the same port again. The port may stay taken a moment after a cut (a
   * connection accepted while the cut ran is still being closed: seen on the loaded CI machine), so
   * binding is tried for up to {@link #REBIND_PATIENCE_MILLIS} before giving up.
   */
  public synchronized void restore() {
    if (listening != null) {
      return;
    }
    long giveUp = System.nanoTime() + REBIND_PATIENCE_MILLIS * 1_000_000L;
    while (true) {
      try {
        listening = bind(port);
        break;
      } catch (UncheckedIOException taken) {
        if (System.nanoTime() - giveUp > 0) {
          throw taken;
        }
        try {
          wait(REBIND_RETRY_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw taken;
        }
      }
    }
    acceptOn(listening);
  }

  @Override
  public void close() {
    cut();
  }

  private void acceptOn(ServerSocket server) {
    daemon("tcp-proxy-accept-" + port, () -> {
      while (!server.isClosed()) {
        try {
          forward(server, server.accept());
        } catch (SocketException closed) {
          return;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
  }

  private void forward(ServerSocket server, Socket client) {
    accepted.incrementAndGet();
    Socket upstream = new Socket();
    try {
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    synchronized (this) {
      // A cut() that ran while this connection was being set up must not let it survive.
      if (listening != server) {
        closeQuietly(client);
        closeQuietly(upstream);
        return;
      }
      forwarded.add(client);
      forwarded.add(upstream);
    }
    daemon("tcp-proxy-up-" + port, () -> pump(client, upstream));
    daemon("tcp-proxy-down-" + port, () -> pump(upstream, client));
  }

  /** Copies bytes one way until either side goes away, then closes both sides. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        awaitFlowing();
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException gone) {
      // One side closed or was cut; closing both below is all there is to do.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      forwarded.remove(from);
      forwarded.remove(to);
    }
  }

  private synchronized void awaitFlowing() throws IOException {
    try {
      while (stalled) {
        wait();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stalled", e);
    }
  }

  private static ServerSocket bindFreePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        return bind(ThreadLocalRandom.current().nextInt(LOWEST_PORT, HIGHEST_PORT));
      } catch (UncheckedIOException taken) {
        // Try another port.
      }
    }
    throw new IllegalStateException("no free loopback port between " + LOWEST_PORT + " and " + HIGHEST_PORT);
  }

  private static ServerSocket bind(int port) {
    ServerSocket server = null;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return server;
    } catch (IOException e) {
      closeQuietly(server);
      throw new UncheckedIOException("cannot listen on loopback port " + port, e);
    }
  }

  private static void daemon(String name, Runnable work) {
    Thread thread = new Thread(work, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception alreadyGone) {
      // Closing is best effort: the peer may have closed it first.
    }
  }
}
