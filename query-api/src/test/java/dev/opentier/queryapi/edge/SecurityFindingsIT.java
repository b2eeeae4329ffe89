package dev.opentier.queryapi.edge;

import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENT_GRANTS;
import static dev.opentier.platform.db.schema.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opentier.queryapi.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outside probe's findings that live in the gateway (security round, issue 20), each as the
 * probe ran it, through the real gateway, PostgreSQL and broker.
 */
class SecurityFindingsIT {
  private static TestGateway app;
  private static Path mail;

  @BeforeAll
  static void start() throws Exception {
    mail = Files.createTempDirectory("opentier-mail");
    app = new TestGateway(Map.of("OPENTIER_MAIL_DIR", mail.resolve("drop").toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
    try (Stream<Path> files = Files.walk(mail)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Finding 4: without a mail server, the link goes to a drop only the service's user can read, never to the log. */
  @Test
  void mailWithoutAServerGoesToAPrivateDropNotTheLog() throws Exception {
    app.signIn("dropped@example.org", "a password of some length");
    Path drop = mail.resolve("drop");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(drop))).isEqualTo("rwx------");
    List<Path> messages;
    try (Stream<Path> files = Files.list(drop)) {
      messages = files.filter(p -> {
        try {
          return Files.readString(p).contains("To: dropped@example.org");
        } catch (java.io.IOException e) {
          return false;
        }
      }).toList();
    }
    assertThat(messages).hasSize(1);
    assertThat(Files.readString(messages.getFirst())).contains("/verify?token=");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(messages.getFirst()))).isEqualTo("rw-------");
  }

  /** Finding 5: sharing answers the same for unknown, unverified and look-alike addresses, and reaches only a verified account. */
  @Test
  void sharingTellsNothingAboutWhichAddressesHaveAccountsAndLookAlikesAreDistinct() throws Exception {
    String alice = app.signIn("alice.shares@example.org", "alice's long password");
    UUID aliceId = app.database.dsl().select(USERS.ID).from(USERS).where(USERS.EMAIL.eq("alice.shares@example.org")).fetchOne(USERS.ID);
    app.database.dsl().insertInto(DOCUMENTS).set(DOCUMENTS.ID, "alice-notes").set(DOCUMENTS.OWNER_ID, aliceId)
        .set(DOCUMENTS.VISIBILITY, "private").set(DOCUMENTS.SOURCE, "upload").set(DOCUMENTS.URI, "upload:notes.txt")
        .set(DOCUMENTS.TITLE, "Notes").set(DOCUMENTS.CONTENT_HASH, "v1").set(DOCUMENTS.STATUS, "indexed").execute();
    app.signIn("bob.unverified@example.org", "bob's long password");

    HttpResponse<String> toUnverified = app.post("/api/documents/alice-notes/grants", Map.of("email", "bob.unverified@example.org"), alice);
    HttpResponse<String> toNobody = app.post("/api/documents/alice-notes/grants", Map.of("email", "nobody.here@example.org"), alice);
    assertThat(toUnverified.statusCode()).isEqualTo(201);
    assertThat(toNobody.statusCode()).isEqualTo(201);
    JsonNode grants = TestGateway.json(toNobody);
    assertThat(grants).hasSize(2);
    for (JsonNode grant : grants) assertThat(grant.fieldNames()).toIterable().containsExactlyInAnyOrder("email", "granted_at");

    // A Cyrillic "а" in the domain is another domain: stored and shown in its ASCII form.
    HttpResponse<String> lookAlike = app.post("/api/auth/register", Map.of("email", "alice.shares@ex\u0430mple.org",
        "password", "a look-alike's password"), null);
    assertThat(lookAlike.statusCode()).isEqualTo(201);
    assertThat(TestGateway.json(lookAlike).get("email").asText()).isEqualTo("alice.shares@xn--exmple-4nf.org");
    assertThat(app.post("/api/auth/register", Map.of("email", "\u0430lice@example.org", "password", "a look-alike's password"), null)
        .statusCode()).as("non-ASCII before the @").isEqualTo(400);
    assertThat(app.post("/api/auth/register", Map.of("email", "ALICE.SHARES@EXAMPLE.ORG", "password", "another long password"), null)
        .statusCode()).as("case is not a new address").isEqualTo(409);

    HttpResponse<String> revoked = app.send("DELETE", "/api/documents/alice-notes/grants/nobody.here%40example.org", null, alice);
    assertThat(revoked.statusCode()).isEqualTo(204);
    assertThat(app.database.dsl().fetchCount(DOCUMENT_GRANTS, DOCUMENT_GRANTS.DOCUMENT_ID.eq("alice-notes"))).isEqualTo(1);
  }

  /** Finding 8: an error names no internal class; a NUL is a 400, not a 500; look-alike controls are cleaned from titles. */
  @Test
  void badInputGetsAPlainJsonErrorWithoutInternalsAndNulIsRefused() throws Exception {
    HttpResponse<String> wrongTypes = app.send("POST", "/api/auth/login", Map.of("email", List.of(1, 2), "password", Map.of("a", 1)), null);
    assertThat(wrongTypes.statusCode()).isEqualTo(400);
    assertThat(wrongTypes.body()).doesNotContain("dev.opentier", "$", "Credentials", "com.fasterxml");
    HttpResponse<String> broken = app.send("POST", "/api/auth/login", null, null, Map.of("Content-Type", "application/json"));
    assertThat(broken.body()).doesNotContain("dev.opentier", "com.fasterxml");
    HttpResponse<String> garbage = rawPost("/api/auth/login", "{\"email\": ");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(TestGateway.json(garbage).get("message").asText()).startsWith("the body is not valid JSON").doesNotContain("dev.opentier");

    String token = app.signIn("nul@example.org", "a password of some length");
    HttpResponse<String> nulTitle = app.post("/api/conversations", Map.of("title", "before\u0000after"), token);
    assertThat(nulTitle.statusCode()).isEqualTo(400);
    assertThat(TestGateway.json(nulTitle).get("error").asText()).isEqualTo("invalid_input");
    HttpResponse<String> nulEmail = app.post("/api/auth/register", Map.of("email", "a\u0000b@example.org", "password", "a long password here"), null);
    assertThat(nulEmail.statusCode()).isEqualTo(400);
    HttpResponse<String> overridden = app.post("/api/conversations", Map.of("title", "invoice \u202Efdp.exe"), token);
    assertThat(overridden.statusCode()).isEqualTo(201);
    assertThat(TestGateway.json(overridden).get("title").asText()).isEqualTo("invoice fdp.exe");
  }

  /** Finding 8: security headers on JSON answers, errors and the API's page, whose inline code runs by hash only. */
  @Test
  void everyAnswerCarriesSecurityHeaders() throws Exception {
    for (HttpResponse<String> answer : List.of(app.get("/health", null), app.get("/api/auth/me", null), app.get("/api/openapi.json", null),
        app.get("/api/no-such-thing", null), app.get("/ready", null))) {
      String what = answer.uri().getPath() + " " + answer.statusCode();
      assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
      assertThat(answer.headers().firstValue("X-Frame-Options")).as(what).hasValue("DENY");
      assertThat(answer.headers().firstValue("Content-Security-Policy")).as(what).hasValueSatisfying(p -> assertThat(p).contains("default-src 'none'"));
      assertThat(answer.headers().firstValue("Cache-Control")).as(what).hasValue("no-store");
      assertThat(answer.headers().allValues("Content-Security-Policy")).as(what).hasSize(1);
    }
    HttpResponse<String> docs = app.get("/api/docs", null);
    String policy = docs.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(docs.headers().allValues("Content-Security-Policy")).hasSize(1);
    assertThat(policy).contains("script-src 'sha256-").doesNotContain("unsafe-inline");
    assertThat(app.get("/ready", null).headers().firstValue("RateLimit-Limit")).as("/ready is rate-limited").isPresent();
  }

  private static HttpResponse<String> rawPost(String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
