package dev.opentier.platform.service;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * How OpenTier's services call each other over gRPC (query-api → intelligence), and how the callee
 * knows who a call acts for.
 *
 * <ul>
 *   <li><b>The user, asserted.</b> Each call carries {@code authorization: Bearer JWS}: a short-lived
 *       (60 s) token, HMAC-SHA256 signed with a secret the services share, naming the calling
 *       component, the callee as audience and the user as subject (none for an anonymous search).
 *       The callee refuses a call without one, with a bad signature, for another audience or
 *       expired (UNAUTHENTICATED), and acts for the asserted user only: a {@code user_id} in a
 *       request that differs from it is refused. Nobody without the secret can make intelligence
 *       act for a user, whatever user ids they have seen.</li>
 *   <li><b>The channel, mutual TLS</b> when certificates are configured ({@code ./opentier up}
 *       makes a local certificate authority and one certificate per service): each side proves
 *       itself to the other with a certificate of that authority, and passages travel encrypted.</li>
 * </ul>
 */
public final class InternalCalls {
  public static final String SECRET = "OPENTIER_INTERNAL_SECRET";
  public static final String SECRET_FILE = "OPENTIER_INTERNAL_SECRET_FILE";
  public static final String TLS_CA = "OPENTIER_INTERNAL_TLS_CA";
  public static final String TLS_CERT = "OPENTIER_INTERNAL_TLS_CERT";
  public static final String TLS_KEY = "OPENTIER_INTERNAL_TLS_KEY";
  /** The callee named in every assertion: the one service that takes calls today. */
  public static final String INTELLIGENCE = "intelligence";

  private static final int MIN_SECRET_BYTES = 32;
  private static final Duration VALIDITY = Duration.ofSeconds(60);
  private static final Duration SKEW = Duration.ofSeconds(5);
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Caller> CALLER = Context.key("opentier.caller");

  /** Who a verified call acts for: a user, or nobody (an anonymous search sees public documents). */
  public record Caller(String component, UUID user) {}

  private final String component;
  private final byte[] secret;
  private final Optional<Tls> tls;

  private record Tls(File ca, File cert, File key) {}

  private InternalCalls(String component, byte[] secret, Optional<Tls> tls) {
    this.component = component;
    this.secret = secret;
    this.tls = tls;
  }

  /** This component's credentials from its settings; the shared secret is required. */
  public static InternalCalls from(Settings settings, String component) {
    return new InternalCalls(component, secret(settings), tls(settings));
  }

  /** For tests and tools that hold the secret themselves. */
  public static InternalCalls withSecret(String component, String secret) {
    return new InternalCalls(component, requireLength(secret.getBytes(StandardCharsets.UTF_8), SECRET), Optional.empty());
  }

  /** The credentials a call acting for {@code user} carries (null: nobody in particular). */
  public CallCredentials actingFor(UUID user) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        try {
          Metadata headers = new Metadata();
          headers.put(AUTHORIZATION, "Bearer " + assertion(user));
          applier.apply(headers);
        } catch (JOSEException e) {
          applier.fail(Status.INTERNAL.withDescription("cannot sign the call").withCause(e));
        }
      }
    };
  }

  String assertion(UUID user) throws JOSEException {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(component)
        .audience(INTELLIGENCE)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(VALIDITY)))
        .jwtID(UUID.randomUUID().toString());
    if (user != null) claims.subject(user.toString());
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    jwt.sign(new MACSigner(secret));
    return jwt.serialize();
  }

  /** The callee's check of every call: refuses what is not asserted by a holder of the secret. */
  public ServerInterceptor verifier() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Optional<Caller> caller = verify(headers.get(AUTHORIZATION));
        if (caller.isEmpty()) {
          call.close(Status.UNAUTHENTICATED.withDescription("this service answers OpenTier's own services only"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller.get()), call, headers, next);
      }
    };
  }

  Optional<Caller> verify(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
    try {
      SignedJWT jwt = SignedJWT.parse(header.substring(7).strip());
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(secret))) return Optional.empty();
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Instant now = Instant.now();
      if (claims.getAudience() == null || !claims.getAudience().contains(INTELLIGENCE)) return Optional.empty();
      if (claims.getExpirationTime() == null || claims.getExpirationTime().toInstant().isBefore(now.minus(SKEW))) return Optional.empty();
      if (claims.getIssueTime() == null || claims.getIssueTime().toInstant().isAfter(now.plus(SKEW))) return Optional.empty();
      if (claims.getIssuer() == null) return Optional.empty();
      UUID user = claims.getSubject() == null ? null : UUID.fromString(claims.getSubject());
      return Optional.of(new Caller(claims.getIssuer(), user));
    } catch (ParseException | JOSEException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The caller of the call being served; only present behind {@link #verifier()}. */
  public static Optional<Caller> caller() {
    return Optional.ofNullable(CALLER.get());
  }

  /** Mutual TLS when certificates are configured, else plaintext (the assertion still authenticates calls). */
  public ServerCredentials serverCredentials() throws IOException {
    if (tls.isEmpty()) return InsecureServerCredentials.create();
    return TlsServerCredentials.newBuilder()
        .keyManager(tls.get().cert(), tls.get().key())
        .trustManager(tls.get().ca())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  public ChannelCredentials channelCredentials() throws IOException {
    if (tls.isEmpty()) return InsecureChannelCredentials.create();
    return TlsChannelCredentials.newBuilder()
        .keyManager(tls.get().cert(), tls.get().key())
        .trustManager(tls.get().ca())
        .build();
  }

  public boolean tls() {
    return tls.isPresent();
  }

  private static byte[] secret(Settings settings) {
    Optional<String> file = settings.optional(SECRET_FILE);
    if (file.isPresent()) {
      try {
        return requireLength(Files.readString(Path.of(file.get())).strip().getBytes(StandardCharsets.UTF_8), SECRET_FILE);
      } catch (IOException e) {
        throw new SettingException(SECRET_FILE, "cannot read " + file.get() + ": " + e.getMessage());
      }
    }
    String secret = settings.optional(SECRET).orElseThrow(() -> new SettingException(SECRET_FILE,
        "is required: the secret OpenTier's services sign their calls to each other with (./opentier up makes one)"));
    return requireLength(secret.strip().getBytes(StandardCharsets.UTF_8), SECRET);
  }

  private static byte[] requireLength(byte[] secret, String setting) {
    if (secret.length < MIN_SECRET_BYTES) throw new SettingException(setting, "must be at least " + MIN_SECRET_BYTES + " characters");
    return secret;
  }

  private static Optional<Tls> tls(Settings settings) {
    Optional<String> ca = settings.optional(TLS_CA);
    Optional<String> cert = settings.optional(TLS_CERT);
    Optional<String> key = settings.optional(TLS_KEY);
    if (ca.isEmpty() && cert.isEmpty() && key.isEmpty()) return Optional.empty();
    for (var setting : new String[][] {{TLS_CA, ca.orElse(null)}, {TLS_CERT, cert.orElse(null)}, {TLS_KEY, key.orElse(null)}}) {
      if (setting[1] == null) throw new SettingException(setting[0], "is required with " + TLS_CA + ", " + TLS_CERT + " and " + TLS_KEY);
      if (!Files.isReadable(Path.of(setting[1]))) throw new SettingException(setting[0], "cannot read " + setting[1]);
    }
    return Optional.of(new Tls(new File(ca.get()), new File(cert.get()), new File(key.get())));
  }
}
