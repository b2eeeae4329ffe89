package dev.opentier.systemtests.gateway;

import dev.opentier.platform.testing.TestSecrets;
import dev.opentier.intelligence.IntelligenceServer;
import dev.opentier.platform.config.Settings;
import dev.opentier.queryapi.QueryApi;
import dev.opentier.systemtests.FreePort;
import dev.opentier.systemtests.pipeline.PipelineHarness;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole platform in this JVM for a test class: the pipeline (curation-streams on the test
 * broker), intelligence with extractive answers, and the gateway, over one scratch database, with
 * an admin account.
 */
final class Platform implements AutoCloseable {
  static final String ADMIN = "ops@example.org";
  static final String PASSWORD = "a long enough password";

  final PipelineHarness pipeline;
  final IntelligenceServer intelligence;
  final QueryApi gateway;
  final Api api;
  final String base;

  Platform(Map<String, String> extra) throws Exception {
    pipeline = new PipelineHarness(Map.of()).startPipeline();
    Map<String, String> env = new HashMap<>(pipeline.env);
    int intelligencePort = FreePort.find();
    env.put("OPENTIER_INTELLIGENCE_PORT", Integer.toString(intelligencePort));
    env.put("OPENTIER_INTELLIGENCE_TARGET", "127.0.0.1:" + intelligencePort);
    env.put("OPENTIER_HTTP_PORT", Integer.toString(FreePort.find()));
    env.putAll(TestSecrets.settings());
    env.put("OPENTIER_ADMIN_EMAIL", ADMIN);
    env.put("OPENTIER_ADMIN_PASSWORD", PASSWORD);
    env.put("OPENTIER_RATE_AUTH_PER_MINUTE", "1000");
    env.put("OPENTIER_OPS_SAMPLE_SECONDS", "1");
    env.put("OPENTIER_LLM_PROVIDER", "extractive");
    env.putAll(extra);
    intelligence = IntelligenceServer.start(Settings.of(env));
    gateway = QueryApi.start(Settings.of(env));
    base = "http://127.0.0.1:" + gateway.port();
    api = new Api(base);
  }

  @Override
  public void close() throws Exception {
    gateway.close();
    intelligence.close();
    pipeline.close();
  }
}
