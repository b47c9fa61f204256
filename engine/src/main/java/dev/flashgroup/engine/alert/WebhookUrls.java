package dev.flashgroup.engine.alert;

import dev.flashgroup.engine.kernel.Text;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Which webhook URLs flashgroup calls: absolute http or https URLs with a host, no user info and no
 * fragment, at most {@code maxUrlLength} characters; unless {@code allowPrivateAddresses}, only
 * hosts whose every address is public (not loopback, private, link-local, unique-local, CGNAT,
 * multicast or unspecified), so a merchant cannot point the platform at its own network.
 */
final class WebhookUrls {

  private WebhookUrls() {}

  /** The URL, checked; an {@link InvalidWebhookUrl} error otherwise. The host is resolved off the event loop. */
  static Mono<URI> check(String url, WebhookSettings settings) {
    URI uri;
    try {
      uri = parse(url, settings.maxUrlLength());
    } catch (InvalidWebhookUrl e) {
      return Mono.error(e);
    }
    if (settings.allowPrivateAddresses()) {
      return Mono.just(uri);
    }
    // Resolving a name blocks: boundedElastic.
    return Mono.fromCallable(() -> publicOnly(uri)).subscribeOn(Schedulers.boundedElastic());
  }

  static URI parse(String url, int maxLength) {
    if (url == null || url.isBlank()) {
      throw new InvalidWebhookUrl("must be an http or https URL");
    }
    if (url.length() > maxLength) {
      throw new InvalidWebhookUrl("must be at most " + maxLength + " characters");
    }
    if (!Text.isPrintable(url) || url.chars().anyMatch(Character::isWhitespace)) {
      throw new InvalidWebhookUrl("must not contain spaces or control characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidWebhookUrl("is not a valid URL");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new InvalidWebhookUrl("must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidWebhookUrl("must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new InvalidWebhookUrl("must not carry user info");
    }
    if (uri.getRawFragment() != null) {
      throw new InvalidWebhookUrl("must not carry a fragment");
    }
    return uri;
  }

  private static URI publicOnly(URI uri) {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(uri.getHost());
    } catch (UnknownHostException e) {
      throw new InvalidWebhookUrl("names a host that does not resolve");
    }
    for (InetAddress address : addresses) {
      if (!isPublic(address)) {
        throw new InvalidWebhookUrl("must name a public host (" + uri.getHost() + " is a private or local address)");
      }
    }
    return uri;
  }

  static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      // fc00::/7 unique-local; an IPv4-mapped address is judged as its IPv4 address.
      if ((b[0] & 0xfe) == 0xfc) {
        return false;
      }
      return true;
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    // 0.0.0.0/8 "this network", 100.64.0.0/10 carrier-grade NAT, 198.18.0.0/15 benchmarking.
    return first != 0 && !(first == 100 && second >= 64 && second < 128) && !(first == 198 && (second & 0xfe) == 18);
  }
}
