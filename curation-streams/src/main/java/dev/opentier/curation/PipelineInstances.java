package dev.opentier.curation;

import dev.opentier.platform.service.Daemons;
import static dev.opentier.platform.db.schema.Tables.PIPELINE_INSTANCES;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's row in {@code pipeline_instances}: its name, where its {@code /metrics} are, and
 * a heartbeat every {@link #HEARTBEAT}, so that the operations view finds every running instance by
 * itself. The row goes when the instance stops; a killed instance's heartbeat goes stale.
 */
final class PipelineInstances implements AutoCloseable {
  static final Duration HEARTBEAT = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(PipelineInstances.class);

  private final DSLContext db;
  private final String id;
  private final String metricsUrl;
  private final ScheduledExecutorService timer;

  private PipelineInstances(DSLContext db, String id, String metricsUrl) {
    this.db = db;
    this.id = id;
    this.metricsUrl = metricsUrl;
    this.timer = Daemons.scheduler("instance-heartbeat");
  }

  static PipelineInstances register(DSLContext db, PipelineSettings pipeline, int port) {
    String host = pipeline.healthHost();
    boolean anyInterface = host.equals("0.0.0.0") || host.equals("::");
    String ownHost = anyInterface ? hostName() : host;
    String url = pipeline.advertisedUrl().orElse("http://" + (ownHost.contains(":") ? "[" + ownHost + "]" : ownHost) + ":" + port)
        .replaceAll("/+$", "");
    String id = pipeline.instanceId().orElse(ownHost + ":" + port);
    PipelineInstances instance = new PipelineInstances(db, id, url + "/metrics");
    instance.beat();
    instance.timer.scheduleWithFixedDelay(instance::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    return instance;
  }

  private void beat() {
    try {
      OffsetDateTime now = OffsetDateTime.now();
      db.insertInto(PIPELINE_INSTANCES)
          .set(PIPELINE_INSTANCES.INSTANCE_ID, id)
          .set(PIPELINE_INSTANCES.METRICS_URL, metricsUrl)
          .set(PIPELINE_INSTANCES.STARTED_AT, now)
          .set(PIPELINE_INSTANCES.HEARTBEAT_AT, now)
          .onConflict(PIPELINE_INSTANCES.INSTANCE_ID)
          .doUpdate()
          .set(PIPELINE_INSTANCES.METRICS_URL, metricsUrl)
          .set(PIPELINE_INSTANCES.HEARTBEAT_AT, now)
          .execute();
    } catch (RuntimeException e) {
      log.warn("could not record this instance's heartbeat (tried again in {} s): {}", HEARTBEAT.toSeconds(), e.getMessage());
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      db.deleteFrom(PIPELINE_INSTANCES).where(PIPELINE_INSTANCES.INSTANCE_ID.eq(id)).execute();
    } catch (RuntimeException e) {
      log.warn("could not remove this instance's row (it goes stale): {}", e.getMessage());
    }
  }
}
