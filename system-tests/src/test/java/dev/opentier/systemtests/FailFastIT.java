package dev.opentier.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.platform.testing.ScratchDatabase;
import dev.opentier.platform.testing.TestBroker;
import dev.opentier.platform.testing.TestSecrets;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each service started as its own process, misconfigured: it must exit non-zero with one line
 * on stderr that names the setting to fix.
 */
class FailFastIT {
  private static final String QUERY_API = "dev.opentier.queryapi.QueryApiMain";
  private static final String INTELLIGENCE = "dev.opentier.intelligence.IntelligenceMain";
  private static final String CURATION = "dev.opentier.curation.CurationStreamsMain";

  private static ScratchDatabase migrated;
  private static ScratchDatabase empty;

  @TempDir Path temp;

  @BeforeAll
  static void createDatabases() throws Exception {
    migrated = ScratchDatabase.create();
    try (var database = migrated.connect()) {
      new dev.opentier.platform.db.Migrations(database.dataSource()).apply();
    }
    empty = ScratchDatabase.create();
  }

  @AfterAll
  static void dropDatabases() {
    migrated.close();
    empty.close();
  }

  @Test
  void anUnreachableDatabaseNamesOpentierDbUrl() throws Exception {
    Map<String, String> env = env(migrated);
    env.put("OPENTIER_DB_URL", "jdbc:postgresql://127.0.0.1:1/opentier");

    Result result = run(QUERY_API, env);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errorLine()).startsWith(
        "opentier query-api: OPENTIER_DB_URL: cannot connect to jdbc:postgresql://127.0.0.1:1/opentier as postgres");
  }

  @Test
  void anUnreachableBrokerNamesOpentierKafkaBootstrap() throws Exception {
    Map<String, String> env = env(migrated);
    env.put("OPENTIER_KAFKA_BOOTSTRAP", "127.0.0.1:1");

    Result result = run(CURATION, env);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errorLine()).isEqualTo(
        "opentier curation-streams: OPENTIER_KAFKA_BOOTSTRAP: no Kafka broker answered at 127.0.0.1:1 within 10 s");
  }

  @Test
  void aTakenPortNamesThePortSetting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Map<String, String> env = env(migrated);
      env.put("OPENTIER_HTTP_PORT", Integer.toString(taken.getLocalPort()));

      Result result = run(QUERY_API, env);

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.errorLine()).isEqualTo(
          "opentier query-api: OPENTIER_HTTP_PORT: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
    }
  }

  @Test
  void intelligenceRefusesASchemaThatIsNotCurrent() throws Exception {
    Result result = run(INTELLIGENCE, env(empty));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errorLine()).matches(
        "opentier intelligence: the database schema is not current: \\d+ migration\\(s\\) pending \\(V1__extensions\\.sql, .*");
  }

  @Test
  void aMalformedSettingIsNamed() throws Exception {
    Map<String, String> env = env(migrated);
    env.put("OPENTIER_INTELLIGENCE_PORT", "fifty");

    Result result = run(INTELLIGENCE, env);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errorLine()).isEqualTo(
        "opentier intelligence: OPENTIER_INTELLIGENCE_PORT: must be a whole number, got 'fifty'");
  }

  /** Security round, finding 3: intelligence does not start without the secret that authenticates its callers. */
  @Test
  void intelligenceWithoutTheServicesSecretNamesIt() throws Exception {
    Map<String, String> env = env(migrated);
    env.remove("OPENTIER_INTERNAL_SECRET");

    Result result = run(INTELLIGENCE, env);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errorLine()).startsWith("opentier intelligence: OPENTIER_INTERNAL_SECRET_FILE: is required");
  }

  private record Result(int exitCode, List<String> stderr) {
    /** The one line the process printed for people (JVM notices aside). */
    String errorLine() {
      List<String> ours = stderr.stream().filter(line -> line.startsWith("opentier ")).toList();
      assertThat(ours).as("stderr: %s", stderr).hasSize(1);
      return ours.getFirst();
    }
  }

  private Map<String, String> env(ScratchDatabase database) {
    Map<String, String> env = new HashMap<>();
    env.put("OPENTIER_DB_URL", database.settings().url());
    env.put("OPENTIER_DB_USER", database.settings().user());
    env.put("OPENTIER_DB_PASSWORD", database.settings().password());
    env.put("OPENTIER_KAFKA_BOOTSTRAP", TestBroker.bootstrapServers());
    env.putAll(TestSecrets.settings());
    env.put("OPENTIER_HTTP_PORT", Integer.toString(FreePort.find()));
    env.put("OPENTIER_INTELLIGENCE_PORT", Integer.toString(FreePort.find()));
    env.put("OPENTIER_STREAMS_PORT", Integer.toString(FreePort.find()));
    return env;
  }

  private Result run(String mainClass, Map<String, String> env) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), mainClass);
    builder.environment().keySet().removeIf(key -> key.startsWith("OPENTIER_"));
    builder.environment().putAll(env);
    File stdout = temp.resolve("stdout.log").toFile();
    File stderr = temp.resolve("stderr.log").toFile();
    builder.redirectOutput(stdout).redirectError(stderr);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(mainClass + " did not exit within 60 s; it should have refused to start");
    }
    return new Result(process.exitValue(), Files.readAllLines(stderr.toPath(), StandardCharsets.UTF_8));
  }
}
