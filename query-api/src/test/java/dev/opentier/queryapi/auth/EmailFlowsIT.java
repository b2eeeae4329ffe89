package dev.opentier.queryapi.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.opentier.queryapi.TestGateway;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Verification and reset through a real SMTP server (GreenMail), reading the mail that was sent. */
class EmailFlowsIT {
  private static final Pattern TOKEN = Pattern.compile("token=([0-9a-f]{64})");
  private static GreenMail smtp;
  private static TestGateway app;

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    app = new TestGateway(Map.of("OPENTIER_SMTP_HOST", "127.0.0.1", "OPENTIER_SMTP_PORT", Integer.toString(port),
        "OPENTIER_SMTP_STARTTLS", "false", "OPENTIER_PUBLIC_URL", "https://opentier.example"));
  }

  @AfterAll
  static void stop() {
    app.close();
    smtp.stop();
  }

  @Test
  void aNewAccountVerifiesItsAddressWithTheLinkItWasSentOnce() throws Exception {
    String token = app.signIn("verify-me@example.org", "please verify me");
    MimeMessage mail = mailTo("verify-me@example.org", 1);
    String link = tokenIn(mail);
    assertThat(GreenMailUtil.getBody(mail)).contains("https://opentier.example/verify?token=" + link);
    assertThat(TestGateway.json(app.get("/api/auth/me", token)).get("email_verified").asBoolean()).isFalse();

    assertThat(app.post("/api/auth/verify", Map.of("token", link), null).statusCode()).isEqualTo(204);

    assertThat(TestGateway.json(app.get("/api/auth/me", token)).get("email_verified").asBoolean()).isTrue();
    HttpResponse<String> again = app.post("/api/auth/verify", Map.of("token", link), null);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(TestGateway.json(again).get("error").asText()).isEqualTo("invalid_token");
  }

  @Test
  void behindAnHttpsPublicUrlTheSessionCookieIsSecure() throws Exception {
    app.post("/api/auth/register", Map.of("email", "tls@example.org", "password", "only over https"), null);
    HttpResponse<String> login = app.post("/api/auth/login", Map.of("email", "tls@example.org", "password", "only over https"), null);

    assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("Secure").contains("HttpOnly"));
  }

  @Test
  void aPasswordResetWorksOnceEndsEverySessionAndDoesNotRevealAccounts() throws Exception {
    String session = app.signIn("forgetful@example.org", "i forgot this one");
    HttpResponse<String> known = app.post("/api/auth/password-reset/request", Map.of("email", "forgetful@example.org"), null);
    HttpResponse<String> unknown = app.post("/api/auth/password-reset/request", Map.of("email", "ghost@example.org"), null);
    assertThat(known.statusCode()).isEqualTo(202).isEqualTo(unknown.statusCode());
    assertThat(known.body()).isEqualTo(unknown.body());

    String link = tokenIn(mailTo("forgetful@example.org", 2));
    assertThat(app.post("/api/auth/password-reset", Map.of("token", link, "new_password", "short"), null).statusCode()).isEqualTo(400);
    assertThat(app.post("/api/auth/password-reset", Map.of("token", link, "new_password", "a brand new password"), null).statusCode())
        .isEqualTo(204);

    assertThat(app.get("/api/auth/me", session).statusCode()).as("sessions ended").isEqualTo(401);
    assertThat(app.post("/api/auth/login", Map.of("email", "forgetful@example.org", "password", "a brand new password"), null).statusCode())
        .isEqualTo(200);
    assertThat(app.post("/api/auth/password-reset", Map.of("token", link, "new_password", "yet another password"), null).statusCode())
        .as("single use").isEqualTo(400);
    assertThat(Arrays.stream(smtp.getReceivedMessages()).map(EmailFlowsIT::recipient)).doesNotContain("ghost@example.org");
  }

  /** The newest of the first {@code count} messages sent to the address (awaited, not slept for). */
  private static MimeMessage mailTo(String address, int count) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      MimeMessage[] mine = Arrays.stream(smtp.getReceivedMessages()).filter(m -> address.equals(recipient(m))).toArray(MimeMessage[]::new);
      if (mine.length >= count) return mine[mine.length - 1];
      smtp.waitForIncomingEmail(500, smtp.getReceivedMessages().length + 1);
    }
    throw new AssertionError("no mail to " + address);
  }

  private static String recipient(MimeMessage message) {
    try {
      return message.getAllRecipients()[0].toString();
    } catch (Exception e) {
      return "";
    }
  }

  private static String tokenIn(MimeMessage message) {
    Matcher matcher = TOKEN.matcher(GreenMailUtil.getBody(message));
    assertThat(matcher.find()).as("a link with a token").isTrue();
    return matcher.group(1);
  }
}
