package dev.opentier.queryapi.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opentier.queryapi.TestGateway;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin routes, and that each change reaches live sessions and the audit log. */
class AdminIT {
  private static TestGateway app;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    app = new TestGateway();
    admin = app.signIn(TestGateway.ADMIN_EMAIL, TestGateway.ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void aRoleChangeReachesTheUsersLiveSessionAtOnce() throws Exception {
    String token = app.signIn("promoted@example.org", "soon an admin here");
    assertThat(app.get("/api/admin/users", token).statusCode()).isEqualTo(403);

    String id = userId("promoted@example.org");
    HttpResponse<String> changed = app.send("PATCH", "/api/admin/users/" + id, Map.of("role", "admin"), admin);

    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(app.get("/api/admin/users", token).statusCode()).as("same token, new role").isEqualTo(200);
  }

  @Test
  void disablingAUserEndsTheirSessionsAndIsAudited() throws Exception {
    String token = app.signIn("mallory@example.org", "about to be disabled");
    String id = userId("mallory@example.org");
    assertThat(app.get("/api/auth/me", token).statusCode()).as("used, so the gateway remembers it").isEqualTo(200);

    HttpResponse<String> changed = app.send("PATCH", "/api/admin/users/" + id, Map.of("disabled", true), admin);

    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(TestGateway.json(changed).get("sessions").asInt()).isZero();
    assertThat(app.get("/api/auth/me", token).statusCode()).isEqualTo(401);
    assertThat(app.post("/api/auth/login", Map.of("email", "mallory@example.org", "password", "about to be disabled"), null).statusCode())
        .isEqualTo(401);
    JsonNode audit = TestGateway.json(app.get("/api/admin/audit?limit=20", admin));
    assertThat(audit.findValuesAsText("action")).contains("admin.user.disable");
    assertThat(audit.findValuesAsText("target_id")).contains(id);
  }

  @Test
  void usersCanBeSearchedViewedAndDeleted() throws Exception {
    app.signIn("findme@example.org", "a searchable person");
    JsonNode found = TestGateway.json(app.get("/api/admin/users?q=FINDME", admin)).get("users");
    assertThat(found).hasSize(1);
    String id = found.get(0).get("user").get("id").asText();

    assertThat(app.get("/api/admin/users/" + id, admin).statusCode()).isEqualTo(200);
    assertThat(app.send("DELETE", "/api/admin/users/" + id, null, admin).statusCode()).isEqualTo(204);
    assertThat(app.get("/api/admin/users/" + id, admin).statusCode()).isEqualTo(404);
    assertThat(app.get("/api/admin/users?limit=0", admin).statusCode()).isEqualTo(400);
  }

  @Test
  void anAdminCannotDisableThemselves() throws Exception {
    String self = userId(TestGateway.ADMIN_EMAIL);

    assertThat(app.send("PATCH", "/api/admin/users/" + self, Map.of("disabled", true), admin).statusCode()).isEqualTo(409);
  }

  private static String userId(String email) throws Exception {
    return TestGateway.json(app.get("/api/admin/users?q=" + email, admin)).get("users").get(0).get("user").get("id").asText();
  }
}
