package dev.flashgroup.engine.alert;

import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The webhook client's resolver: the default one, whose answers are let through only when public
 * ({@link WebhookUrls#isPublic}). The address is judged where the connection is made, so a host that
 * resolved to a public address when the merchant set the URL and to a private one at send time (DNS
 * rebinding) is refused then: the connection fails with an {@link UnknownHostException}. Addresses
 * given as IP literals go through the same check.
 */
final class PublicAddresses extends AddressResolverGroup<InetSocketAddress> {

  private final AddressResolverGroup<? extends SocketAddress> delegate;

  PublicAddresses(AddressResolverGroup<? extends SocketAddress> delegate) {
    this.delegate = delegate;
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    @SuppressWarnings("unchecked")
    AddressResolver<SocketAddress> inner = (AddressResolver<SocketAddress>) delegate.getResolver(executor);
    return new Filtering(executor, inner);
  }

  private static final class Filtering extends AbstractAddressResolver<InetSocketAddress> {

    private final AddressResolver<SocketAddress> inner;

    Filtering(EventExecutor executor, AddressResolver<SocketAddress> inner) {
      super(executor, InetSocketAddress.class);
      this.inner = inner;
    }

    /** Never "already resolved": an IP literal is checked too. */
    @Override
    protected boolean doIsResolved(InetSocketAddress address) {
      return false;
    }

    @Override
    protected void doResolve(InetSocketAddress unresolved, Promise<InetSocketAddress> promise) {
      inner.resolve(unresolved).addListener((Future<SocketAddress> f) -> {
        if (!f.isSuccess()) {
          promise.tryFailure(f.cause());
        } else if (f.getNow() instanceof InetSocketAddress a && publicAddress(a)) {
          promise.trySuccess(a);
        } else {
          promise.tryFailure(refused(unresolved));
        }
      });
    }

    @Override
    protected void doResolveAll(InetSocketAddress unresolved, Promise<List<InetSocketAddress>> promise) {
      inner.resolveAll(unresolved).addListener((Future<List<SocketAddress>> f) -> {
        if (!f.isSuccess()) {
          promise.tryFailure(f.cause());
          return;
        }
        // Every address must be public, as at PUT /merchant/webhook: no picking the public one of a mixed answer.
        List<SocketAddress> all = f.getNow();
        if (all.isEmpty() || !all.stream().allMatch(a -> a instanceof InetSocketAddress i && publicAddress(i))) {
          promise.tryFailure(refused(unresolved));
        } else {
          promise.trySuccess(all.stream().map(InetSocketAddress.class::cast).toList());
        }
      });
    }

    @Override
    public void close() {
      // The delegate group owns the inner resolver.
    }

    private static boolean publicAddress(InetSocketAddress a) {
      return !a.isUnresolved() && WebhookUrls.isPublic(a.getAddress());
    }

    private static UnknownHostException refused(InetSocketAddress address) {
      return new UnknownHostException(address.getHostString() + " resolves to a private or local address");
    }
  }
}
