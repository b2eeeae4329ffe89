package dev.opentier.platform.kafka;

import dev.opentier.platform.config.SettingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

/** Administrative access to the Kafka cluster: reachability, and creating OpenTier's topics. */
public final class KafkaCluster implements AutoCloseable {
  private final KafkaSettings settings;
  private final Admin admin;

  public KafkaCluster(KafkaSettings settings) {
    this.settings = settings;
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "opentier-admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    // Do not retry forever in the background when the broker is gone: reachability must answer.
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    this.admin = Admin.create(props);
  }

  /** True when a broker answers a cluster description within {@code timeout}. */
  public boolean isReachable(Duration timeout) {
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
          .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /** Fails fast, naming {@code OPENTIER_KAFKA_BOOTSTRAP}, when no broker answers. */
  public void requireReachable(Duration timeout) {
    if (!isReachable(timeout)) {
      throw new SettingException(KafkaSettings.BOOTSTRAP,
          "no Kafka broker answered at " + settings.bootstrapServers() + " within " + timeout.toSeconds() + " s");
    }
  }

  /**
   * Creates every topic of {@link Topics#ALL} that does not exist yet, with explicit partitions,
   * retention and maximum message size. Existing topics are left as they are (an operator may have
   * tuned them). Returns the names of the topics it created.
   */
  public List<String> createMissingTopics() throws ExecutionException, InterruptedException {
    Set<String> existing = new HashSet<>(admin.listTopics().names().get());
    List<NewTopic> missing = new ArrayList<>();
    for (Topic<?, ?> topic : Topics.ALL) {
      if (existing.contains(topic.name(settings))) continue;
      missing.add(new NewTopic(topic.name(settings), topic.partitions(settings), settings.replicationFactor())
          .configs(withMinInsync(topic.configs())));
    }
    if (!missing.isEmpty()) {
      admin.createTopics(missing).all().get();
    }
    return missing.stream().map(NewTopic::name).toList();
  }

  public Map<String, TopicDescription> describe(List<String> topicNames) throws ExecutionException, InterruptedException {
    return admin.describeTopics(topicNames).allTopicNames().get();
  }

  /** The partition count of a topic, or empty when it does not exist (or the cluster cannot say within 10 s). */
  public Optional<Integer> partitionsOf(String topic) {
    try {
      return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions().size());
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public Admin admin() {
    return admin;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }

  private Map<String, String> withMinInsync(Map<String, String> configs) {
    Map<String, String> all = new java.util.HashMap<>(configs);
    all.put(org.apache.kafka.common.config.TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(settings.minInsyncReplicas()));
    return all;
  }
}
