package dev.opentier.ingest.job;

import static dev.opentier.platform.db.schema.Tables.CRAWL_QUEUE;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.opentier.ingest.source.CrawlOptions;
import dev.opentier.platform.kafka.JsonSerde;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/**
 * Crawls waiting for a worker, in PostgreSQL, so that any gateway's worker may run any crawl and a
 * crawl outlives the gateway that accepted it. A worker leases one crawl at a time
 * ({@code FOR UPDATE SKIP LOCKED}: two workers never take the same one), renews the lease while it
 * crawls, and removes the crawl when its job is concluded. A lease that runs out (the worker's
 * process died) makes the crawl available again; after {@link #MAX_ATTEMPTS} leases its job is
 * concluded as failed with the reason instead.
 */
public final class CrawlQueue {
  public static final int MAX_ATTEMPTS = 3;

  /** A leased crawl: what to crawl, into which job, with which options; and which attempt this is. */
  public record Lease(UUID job, URI url, CrawlOptions crawl, Ingestion.Options options, int attempt) {}

  private final DSLContext db;

  public CrawlQueue(DSLContext db) {
    this.db = db;
  }

  /** Queues the crawl of an existing job ({@link Ingestion#createJob}). */
  public void enqueue(UUID job, URI url, CrawlOptions crawl, Ingestion.Options options) {
    db.insertInto(CRAWL_QUEUE)
        .set(CRAWL_QUEUE.JOB_ID, job)
        .set(CRAWL_QUEUE.URL, url.toString())
        .set(CRAWL_QUEUE.CRAWL, json(crawl))
        .set(CRAWL_QUEUE.OPTIONS, json(options))
        .execute();
  }

  /**
   * Leases the oldest crawl nobody holds (never leased, or its lease ran out) for {@code worker}
   * until {@code duration} from now. A crawl already leased {@link #MAX_ATTEMPTS} times is not
   * run again: its job is concluded as failed and the next one is looked at.
   */
  public Optional<Lease> lease(String worker, Duration duration) {
    while (true) {
      var row = db.transactionResult(tx -> {
        var next = tx.dsl().select(CRAWL_QUEUE.JOB_ID).from(CRAWL_QUEUE)
            .where(CRAWL_QUEUE.LEASE_UNTIL.isNull().or(CRAWL_QUEUE.LEASE_UNTIL.lt(DSL.currentOffsetDateTime())))
            .orderBy(CRAWL_QUEUE.CREATED_AT)
            .limit(1)
            .forUpdate().skipLocked()
            .fetchOne(CRAWL_QUEUE.JOB_ID);
        if (next == null) return null;
        return tx.dsl().update(CRAWL_QUEUE)
            .set(CRAWL_QUEUE.LEASED_BY, worker)
            .set(CRAWL_QUEUE.LEASE_UNTIL, fromNow(duration))
            .set(CRAWL_QUEUE.ATTEMPTS, CRAWL_QUEUE.ATTEMPTS.plus(1))
            .where(CRAWL_QUEUE.JOB_ID.eq(next))
            .returning()
            .fetchOne();
      });
      if (row == null) return Optional.empty();
      if (row.getAttempts() > MAX_ATTEMPTS) {
        fail(row.getJobId(), "the crawl's worker stopped " + MAX_ATTEMPTS + " times before it finished (its gateway restarted or died); gave up");
        continue;
      }
      return Optional.of(new Lease(row.getJobId(), URI.create(row.getUrl()), read(row.getCrawl(), CrawlOptions.class),
          read(row.getOptions(), Ingestion.Options.class), row.getAttempts()));
    }
  }

  /** Extends a lease this worker holds; false when it lost it (it ran out and another worker took the crawl). */
  public boolean renew(UUID job, String worker, Duration duration) {
    return db.update(CRAWL_QUEUE)
        .set(CRAWL_QUEUE.LEASE_UNTIL, fromNow(duration))
        .where(CRAWL_QUEUE.JOB_ID.eq(job).and(CRAWL_QUEUE.LEASED_BY.eq(worker)))
        .execute() == 1;
  }

  /** The crawl's job is concluded (submitted or failed) by this worker: it leaves the queue. */
  public void done(UUID job, String worker) {
    db.deleteFrom(CRAWL_QUEUE).where(CRAWL_QUEUE.JOB_ID.eq(job).and(CRAWL_QUEUE.LEASED_BY.eq(worker))).execute();
  }

  /** This worker stops (its gateway shuts down): the crawl is free at once, and this attempt does not count. */
  public void release(UUID job, String worker) {
    db.update(CRAWL_QUEUE)
        .setNull(CRAWL_QUEUE.LEASED_BY)
        .setNull(CRAWL_QUEUE.LEASE_UNTIL)
        .set(CRAWL_QUEUE.ATTEMPTS, DSL.greatest(CRAWL_QUEUE.ATTEMPTS.minus(1), DSL.inline(0)))
        .where(CRAWL_QUEUE.JOB_ID.eq(job).and(CRAWL_QUEUE.LEASED_BY.eq(worker)))
        .execute();
  }

  private void fail(UUID job, String reason) {
    db.transaction(tx -> {
      Ingestion.failJob(tx.dsl(), job, reason);
      tx.dsl().deleteFrom(CRAWL_QUEUE).where(CRAWL_QUEUE.JOB_ID.eq(job)).execute();
    });
  }

  /** The database's now plus {@code duration} (leases use the database's clock, the same for every gateway). */
  private static Field<OffsetDateTime> fromNow(Duration duration) {
    return DSL.currentOffsetDateTime().plus(DSL.field("{0}::interval", OffsetDateTime.class, DSL.val(duration.toMillis() + " milliseconds")));
  }

  private static JSONB json(Object value) {
    try {
      return JSONB.valueOf(JsonSerde.MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("crawl options must serialise", e);
    }
  }

  private static <T> T read(JSONB json, Class<T> type) {
    try {
      return JsonSerde.MAPPER.readValue(json.data(), type);
    } catch (IOException e) {
      throw new IllegalStateException("a queued crawl's options cannot be read: " + e.getMessage(), e);
    }
  }
}
