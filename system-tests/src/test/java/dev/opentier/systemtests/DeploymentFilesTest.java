package dev.opentier.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment files in {@code docker/} cannot rot: the compose file and the Kubernetes manifests
 * parse, say what the README says they do (three brokers with min.insync 2, two of each service,
 * standby replicas and static membership, readiness on the health endpoints, no buffering of
 * server-sent events), and the example overlay renders with {@code kubectl kustomize} where a
 * kubectl with Kustomize 4+ is installed; elsewhere every file it names is checked to exist.
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theComposeDeploymentHasThreeBrokersTwoOfEachServiceAndAProxyThatDoesNotBuffer() throws IOException {
    JsonNode compose = composeFile(ROOT.resolve("docker/compose.yaml"));
    JsonNode services = compose.get("services");
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names).contains("kafka-1", "kafka-2", "kafka-3", "postgres", "migrate", "topics", "secrets",
        "curation-streams-1", "curation-streams-2", "intelligence", "query-api-1", "query-api-2", "proxy");
    assertThat(services.get("intelligence").at("/deploy/replicas").asInt()).isEqualTo(2);
    for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
      JsonNode env = services.get(broker).get("environment");
      assertThat(env.get("KAFKA_MIN_INSYNC_REPLICAS").asText()).isEqualTo("2");
      assertThat(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR").asText()).isEqualTo("3");
      assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
    }
    for (String instance : List.of("curation-streams-1", "curation-streams-2")) {
      JsonNode env = services.get(instance).get("environment");
      assertThat(env.get("OPENTIER_STREAMS_INSTANCE_ID").asText()).isEqualTo(instance);
      assertThat(env.get("OPENTIER_STREAMS_STANDBY_REPLICAS").asText()).isEqualTo("1");
      assertThat(env.get("OPENTIER_KAFKA_REPLICATION_FACTOR").asText()).isEqualTo("3");
    }
    for (String gateway : List.of("query-api-1", "query-api-2")) {
      assertThat(services.get(gateway).get("environment").get("OPENTIER_DB_MIGRATE").asText()).isEqualTo("false");
      assertThat(services.get(gateway).get("depends_on").get("migrate").get("condition").asText()).isEqualTo("service_completed_successfully");
    }
    assertThat(services.get("postgres").get("image").asText()).startsWith("${OPENTIER_POSTGRES_IMAGE:-");
    assertThat(services.get("kafka-1").get("image").asText()).startsWith("${OPENTIER_KAFKA_IMAGE:-");
    String proxy = Files.readString(ROOT.resolve("docker/proxy.conf"));
    assertThat(proxy).contains("proxy_buffering off;", "server query-api-1:8080", "server query-api-2:8080");
    String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
    assertThat(dockerfile).contains("USER opentier", "HEALTHCHECK", "MaxRAMPercentage", "ARG MAVEN_PROFILES");
  }

  @Test
  void theKubernetesManifestsRenderWithTheirProbesVolumesAndBudgets() throws Exception {
    Path overlay = ROOT.resolve("docker/k8s/overlays/example");
    List<JsonNode> objects = kubectl() ? render(overlay) : readAll(overlay);
    JsonNode streams = only(objects, "StatefulSet", "curation-streams");
    assertThat(streams.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("state");
    assertThat(env(streams)).contains("OPENTIER_STREAMS_INSTANCE_ID", "OPENTIER_STREAMS_STANDBY_REPLICAS", "OPENTIER_STREAMS_ADVERTISED_URL");
    assertThat(streams.at("/spec/template/spec/containers/0/readinessProbe/httpGet/path").asText()).isEqualTo("/health");
    JsonNode gateway = only(objects, "Deployment", "query-api");
    assertThat(gateway.at("/spec/template/spec/containers/0/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
    JsonNode intelligence = only(objects, "Deployment", "intelligence");
    assertThat(intelligence.at("/spec/template/spec/containers/0/readinessProbe/tcpSocket/port").asText()).isEqualTo("grpc");
    for (String name : List.of("curation-streams", "query-api", "intelligence")) only(objects, "PodDisruptionBudget", name);
    for (String name : List.of("query-api", "intelligence")) only(objects, "HorizontalPodAutoscaler", name);
    only(objects, "Kafka", "opentier");
    only(objects, "Cluster", "opentier-db");
    for (JsonNode object : objects) {
      if (!object.at("/spec/template/spec/containers").isArray()) continue;
      assertThat(object.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).as("%s runs as non-root", name(object)).isTrue();
    }
  }

  /** The file as compose reads it: anchors, aliases and merge keys ({@code <<: *anchor}) resolved (SnakeYAML does all three). */
  private static JsonNode composeFile(Path file) throws IOException {
    Object tree = new org.yaml.snakeyaml.Yaml().load(Files.readString(file));
    return YAML.valueToTree(tree);
  }

  /**
   * Whether a kubectl with Kustomize 4 or newer is installed (the manifests use {@code labels}; an
   * old kubectl, such as Debian bookworm's 1.20 with Kustomize 2, cannot render them).
   */
  private static boolean kubectl() {
    try {
      Process version = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) return false;
      java.util.regex.Matcher kustomize = java.util.regex.Pattern.compile("Kustomize Version: v(\\d+)").matcher(out);
      return kustomize.find() && Integer.parseInt(kustomize.group(1)) >= 4;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static List<JsonNode> render(Path overlay) throws Exception {
    Process process = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).start();
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize: %s", err).isZero();
    List<JsonNode> objects = documents(new String(out, StandardCharsets.UTF_8));
    // the overlay's image and namespace reached every workload
    for (JsonNode object : objects) {
      JsonNode image = object.at("/spec/template/spec/containers/0/image");
      if (!image.isMissingNode()) assertThat(image.asText()).isEqualTo("opentier:0.1.0");
      if (!object.get("kind").asText().equals("Namespace")) assertThat(object.at("/metadata/namespace").asText()).isEqualTo("opentier");
    }
    return objects;
  }

  /** Without kubectl: every kustomization's resources exist, and their objects are read as they are. */
  private static List<JsonNode> readAll(Path kustomization) throws IOException {
    JsonNode file = YAML.readTree(kustomization.resolve("kustomization.yaml").toFile());
    List<JsonNode> objects = new ArrayList<>();
    for (JsonNode resource : file.path("resources")) {
      Path path = kustomization.resolve(resource.asText()).normalize();
      assertThat(path).as("a resource of %s", kustomization).exists();
      if (Files.isDirectory(path)) objects.addAll(readAll(path));
      else objects.addAll(documents(Files.readString(path)));
    }
    for (JsonNode generator : file.path("secretGenerator")) {
      for (JsonNode named : generator.path("files")) assertThat(kustomization.resolve(named.asText())).exists();
    }
    return objects;
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode object = it.next();
        if (object != null && object.has("kind")) objects.add(object);
      }
    }
    return objects;
  }

  private static JsonNode only(List<JsonNode> objects, String kind, String name) {
    List<JsonNode> found = objects.stream().filter(o -> o.get("kind").asText().equals(kind) && name(o).equals(name)).toList();
    assertThat(found).as("%s %s", kind, name).hasSize(1);
    return found.getFirst();
  }

  private static String name(JsonNode object) {
    return object.at("/metadata/name").asText();
  }

  private static List<String> env(JsonNode workload) {
    List<String> names = new ArrayList<>();
    workload.at("/spec/template/spec/containers/0/env").forEach(e -> names.add(e.get("name").asText()));
    return names;
  }
}
