package dev.opentier.queryapi.edge;

import dev.opentier.platform.config.SettingException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The client's IP address. {@code X-Forwarded-For} is believed only when the direct peer is one
 * of the configured trusted proxies; then the right-most address that is not a trusted proxy is
 * the client. Anyone else's header is ignored, so it cannot choose whose rate limit it uses.
 */
public final class ClientAddress {
  public static final String TRUSTED_PROXIES = "OPENTIER_TRUSTED_PROXIES";
  private static final String ATTRIBUTE = "opentier.client_ip";

  private record Network(byte[] prefix, int bits) {
    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != prefix.length) return false;
      int total = bytes.length * 8;
      BigInteger mask = BigInteger.ONE.shiftLeft(total).subtract(BigInteger.ONE).shiftRight(bits).not();
      return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, prefix).and(mask));
    }
  }

  private final List<Network> trusted;

  /** @param trustedProxies IPs or CIDR ranges, comma-separated; empty trusts no proxy */
  public ClientAddress(String trustedProxies) {
    this.trusted = Arrays.stream(trustedProxies.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(ClientAddress::network).toList();
  }

  public void install(JavalinConfig config) {
    config.routes.before(ctx -> ctx.attribute(ATTRIBUTE, resolve(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"))));
  }

  /** The client's address for this request. */
  public static String of(Context ctx) {
    String ip = ctx.attribute(ATTRIBUTE);
    return ip != null ? ip : ctx.req().getRemoteAddr();
  }

  String resolve(String peer, String forwardedFor) {
    if (forwardedFor == null || !isTrusted(peer)) return peer;
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      if (hop.isEmpty()) continue;
      if (!isLiteral(hop)) return peer; // garbage in the header: fall back to the proxy itself
      if (!isTrusted(hop)) return hop;
    }
    return peer;
  }

  private boolean isTrusted(String ip) {
    if (trusted.isEmpty() || !isLiteral(ip)) return false;
    try {
      InetAddress address = InetAddress.getByName(ip);
      return trusted.stream().anyMatch(n -> n.contains(address));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean isLiteral(String ip) {
    return ip.matches("[0-9.]+|[0-9a-fA-F:.]+") && ip.length() <= 45;
  }

  private static Network network(String spec) {
    String[] parts = spec.split("/", 2);
    try {
      if (!isLiteral(parts[0])) throw new UnknownHostException(parts[0]);
      byte[] prefix = InetAddress.getByName(parts[0]).getAddress();
      int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : prefix.length * 8;
      if (bits < 0 || bits > prefix.length * 8) throw new NumberFormatException();
      return new Network(prefix, bits);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new SettingException(TRUSTED_PROXIES, "'" + spec + "' is not an IP address or CIDR range");
    }
  }
}
