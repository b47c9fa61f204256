package dev.flashgroup.engine.alert;

import dev.flashgroup.engine.kernel.Text;
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

  /**
   * Whether an address is public. IPv4: not 0.0.0.0/8, 10/8, 100.64/10 (CGNAT), 127/8, 169.254/16,
   * 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/4 (multicast) or 240/4 (reserved, broadcast).
   * IPv6: not unspecified, loopback, IPv4-compatible ({@code ::a.b.c.d}), link- or site-local,
   * unique-local (fc00::/7), multicast or local-use NAT64 (64:ff9b:1::/48); an address that carries an
   * IPv4 one (mapped {@code ::ffff:a.b.c.d}, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged by it.
   */
  static boolean isPublic(InetAddress a) {
    byte[] b = a.getAddress();
    return b.length == 4 ? publicIpv4(b, 0) : publicIpv6(b);
  }

  private static boolean publicIpv4(byte[] b, int at) {
    int first = b[at] & 0xff;
    int second = b[at + 1] & 0xff;
    int third = b[at + 2] & 0xff;
    return first != 0 && first != 10 && first != 127 && first < 224
        && !(first == 100 && second >= 64 && second < 128)
        && !(first == 169 && second == 254)
        && !(first == 172 && second >= 16 && second < 32)
        && !(first == 192 && second == 0 && third == 0)
        && !(first == 192 && second == 168)
        && !(first == 198 && (second & 0xfe) == 18);
  }

  private static boolean publicIpv6(byte[] b) {
    if (zeros(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return publicIpv4(b, 12); // ::ffff:a.b.c.d
    }
    if (zeros(b, 0, 12)) {
      return false; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 0xff || (first & 0xfe) == 0xfc || (first == 0xfe && (second & 0x80) == 0x80)) {
      return false; // multicast, unique-local fc00::/7, link-local fe80::/10 and site-local fec0::/10
    }
    if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      // 64:ff9b::/96 (NAT64) carries an IPv4 address; 64:ff9b:1::/48 is for local use.
      return zeros(b, 4, 12) && publicIpv4(b, 12);
    }
    if (first == 0x20 && second == 0x02) {
      return publicIpv4(b, 2); // 6to4 2002:a.b.c.d::/48
    }
    return true;
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
