package dev.opentier.ingest.source;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the crawler off addresses a user-supplied URL must not reach (server-side request
 * forgery): loopback, private and carrier-grade NAT ranges, link-local (where the cloud metadata
 * service lives, 169.254.169.254), unspecified, multicast and reserved addresses, IPv6 unique-local,
 * and IPv6 forms that embed one of those IPv4 addresses (mapped, compatible, NAT64, 6to4). A host
 * name is refused when ANY of its addresses is, so a name resolving to one public and one private
 * address cannot slip through. Only http and https URLs pass.
 *
 * <p>{@link WebSource} asks before every request, each redirect hop and robots.txt included.
 * Thread-safe; resolution happens on the calling thread.
 *
 * <p>Limitation: the guard resolves the name and the HTTP client resolves it again when it
 * connects; a DNS server answering differently the second time (DNS rebinding) is not caught.
 */
public final class AddressGuard {

  /** How a host name becomes addresses; {@link InetAddress#getAllByName} outside tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final boolean allowLoopback;
  private final boolean allowPrivate;
  private final Resolver resolver;

  /**
   * @param allowLoopback pass loopback addresses, refuse every other non-public one
   * @param allowPrivate pass every address (only the scheme is checked)
   */
  public AddressGuard(boolean allowLoopback, boolean allowPrivate) {
    this(allowLoopback, allowPrivate, InetAddress::getAllByName);
  }

  public AddressGuard(boolean allowLoopback, boolean allowPrivate, Resolver resolver) {
    this.allowLoopback = allowLoopback;
    this.allowPrivate = allowPrivate;
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /** The guard {@code options} ask for. */
  public static AddressGuard from(CrawlOptions options) {
    return new AddressGuard(options.allowLoopback(), options.allowPrivateAddresses());
  }

  /**
   * Why {@code uri} must not be requested, or empty when it may be. Resolves the host (blocking)
   * unless private addresses are allowed. A host that cannot be resolved is refused, since its
   * addresses cannot be checked.
   */
  public Optional<String> refusal(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of(uri + " is not an http or https URL");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) return Optional.of(uri + " has no host");
    if (allowPrivate) return Optional.empty();
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    InetAddress[] addresses;
    try {
      addresses = addressesOf(host);
    } catch (UnknownHostException e) {
      return Optional.of(uri + ": host " + host + " cannot be resolved");
    }
    if (addresses == null || addresses.length == 0) {
      return Optional.of(uri + ": host " + host + " cannot be resolved");
    }
    for (InetAddress address : addresses) {
      Range range = classify(address);
      if (range == Range.PUBLIC || (range == Range.LOOPBACK && allowLoopback)) continue;
      return Optional.of(uri + " resolves to " + address.getHostAddress() + ", " + range.description);
    }
    return Optional.empty();
  }

  private InetAddress[] addressesOf(String host) throws UnknownHostException {
    boolean literal = host.indexOf(':') >= 0 || host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    // An IP literal is parsed, never looked up, exactly as the HTTP client will parse it.
    return literal ? new InetAddress[] {InetAddress.getByName(host)} : resolver.resolve(host);
  }

  /** The kinds of address the guard tells apart; everything but PUBLIC is refused by default. */
  enum Range {
    PUBLIC("a public address"),
    LOOPBACK("a loopback address"),
    PRIVATE("a private address"),
    SHARED("a carrier-grade NAT address"),
    LINK_LOCAL("a link-local address"),
    UNSPECIFIED("an unspecified address"),
    MULTICAST("a multicast address"),
    RESERVED("a reserved address");

    final String description;

    Range(String description) {
      this.description = description;
    }
  }

  static Range classify(InetAddress address) {
    if (address instanceof Inet4Address) return classifyIpv4(address.getAddress());
    byte[] b = address.getAddress();
    byte[] embedded = embeddedIpv4((Inet6Address) address, b);
    if (embedded != null) return classifyIpv4(embedded);
    if (address.isAnyLocalAddress()) return Range.UNSPECIFIED;
    if (address.isLoopbackAddress()) return Range.LOOPBACK;
    if (address.isLinkLocalAddress()) return Range.LINK_LOCAL;               // fe80::/10
    if (address.isSiteLocalAddress()) return Range.PRIVATE;                  // fec0::/10, deprecated
    if ((b[0] & 0xfe) == 0xfc) return Range.PRIVATE;                         // fc00::/7 unique-local
    if (address.isMulticastAddress()) return Range.MULTICAST;                // ff00::/8
    return Range.PUBLIC;
  }

  private static Range classifyIpv4(byte[] b) {
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 0) return Range.UNSPECIFIED;                                // 0.0.0.0/8
    if (first == 127) return Range.LOOPBACK;
    if (first == 10) return Range.PRIVATE;
    if (first == 172 && (second & 0xf0) == 16) return Range.PRIVATE;        // 172.16/12
    if (first == 192 && second == 168) return Range.PRIVATE;
    if (first == 100 && (second & 0xc0) == 64) return Range.SHARED;         // 100.64/10
    if (first == 169 && second == 254) return Range.LINK_LOCAL;             // cloud metadata lives here
    if (first >= 224 && first <= 239) return Range.MULTICAST;
    if (first >= 240) return Range.RESERVED;                                 // 240/4 and broadcast
    return Range.PUBLIC;
  }

  /**
   * The IPv4 address inside an IPv6 one that routes to it: IPv4-mapped (::ffff:a.b.c.d),
   * IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) or 6to4 (2002:aabb:ccdd::). Null otherwise.
   */
  private static byte[] embeddedIpv4(Inet6Address address, byte[] b) {
    boolean firstTenZero = isZero(b, 0, 10);
    if (firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) return Arrays.copyOfRange(b, 12, 16);
    if (firstTenZero && b[10] == 0 && b[11] == 0 && !address.isAnyLocalAddress() && !address.isLoopbackAddress()) {
      return Arrays.copyOfRange(b, 12, 16);
    }
    if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && isZero(b, 4, 12)) {
      return Arrays.copyOfRange(b, 12, 16);
    }
    if (b[0] == 0x20 && b[1] == 0x02) return Arrays.copyOfRange(b, 2, 6);
    return null;
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) return false;
    }
    return true;
  }
}
