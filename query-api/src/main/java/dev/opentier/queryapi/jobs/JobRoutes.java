package dev.opentier.queryapi.jobs;

import static dev.opentier.platform.db.schema.Tables.INGESTION_JOBS;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOB_CURATION_SUMMARY;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOB_PROGRESS;
import static dev.opentier.queryapi.auth.AuthGuard.principal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.platform.db.schema.tables.records.IngestionJobsRecord;
import dev.opentier.queryapi.auth.Principal;
import dev.opentier.queryapi.edge.ApiException;
import dev.opentier.queryapi.edge.Params;
import dev.opentier.queryapi.edge.SseStreams;
import dev.opentier.queryapi.edge.StoredJson;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * {@code /api/ingestion/jobs…}: a user's ingestion jobs (admins may ask for everyone's) with
 * counters by stage and outcome, and a live event stream of one job's progress until it ends.
 */
public final class JobRoutes {
  private static final Duration POLL = Duration.ofMillis(500);

  /** Outcomes concluded so far. */
  public record Outcomes(int indexed, int unchanged, int rejected, int duplicate, int failed, int deleted, int chunks) {}

  public record JobSummary(UUID id, String kind, String source, String status, UUID createdBy, OffsetDateTime createdAt,
                           OffsetDateTime submittedAt, int expected, long bytesSubmitted, Outcomes outcomes, boolean finished) {}

  public record Page(List<JobSummary> jobs, String nextCursor) {}

  /** Documents through each stage, as the pipeline concluded them. */
  public record Stages(int received, int parsed, int chunked, int embedded) {}

  public record Problem(String documentId, String outcome, String stage, String reason) {}

  public record ReasonCount(String outcome, String stage, String rule, int documents) {}

  /** One job in full: what was submitted, how far the pipeline got, and why documents were not indexed. */
  public record Progress(JobSummary job, Stages stages, List<Problem> problems, List<ReasonCount> reasons, JsonNode submitErrors) {}

  private final DSLContext db;
  private final Ingestion ingestion;
  private final SseStreams streams;
  private final ObjectMapper mapper;

  public JobRoutes(DSLContext db, Ingestion ingestion, SseStreams streams, ObjectMapper mapper) {
    this.db = db;
    this.ingestion = ingestion;
    this.streams = streams;
    this.mapper = mapper;
  }

  public void list(Context ctx) {
    Principal user = principal(ctx);
    int limit = Params.integer(ctx, "limit", 30, 1, 200);
    boolean all = "all".equals(Params.oneOf(ctx, "scope", "mine", Set.of("mine", "all")));
    if (all && !user.isAdmin()) throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "scope=all needs an administrator");
    Condition where = all ? DSL.trueCondition() : INGESTION_JOBS.CREATED_BY.eq(user.userId());
    Params.Cursor after = Params.cursor(ctx);
    if (after != null) where = where.and(DSL.row(INGESTION_JOBS.CREATED_AT, INGESTION_JOBS.ID).lt(after.time(), after.uuid()));
    List<Record> rows = db.select().from(INGESTION_JOBS)
        .leftJoin(INGESTION_JOB_PROGRESS).on(INGESTION_JOB_PROGRESS.JOB_ID.eq(INGESTION_JOBS.ID))
        .where(where)
        .orderBy(INGESTION_JOBS.CREATED_AT.desc(), INGESTION_JOBS.ID.desc())
        .limit(limit + 1)
        .fetch();
    Params.Page<Record> page = Params.page(rows, limit, last -> Params.Cursor.of(last.get(INGESTION_JOBS.CREATED_AT), last.get(INGESTION_JOBS.ID)));
    ctx.json(new Page(page.rows().stream().map(JobRoutes::summary).toList(), page.nextCursor()));
  }

  public void get(Context ctx) {
    ctx.json(progress(owned(ctx, principal(ctx))));
  }

  /**
   * {@code GET …/{id}/events}: a {@code progress} event whenever the counters move and a last
   * {@code done} event when every submitted document has an outcome (or the submission failed).
   */
  public void events(Context ctx) throws InterruptedException {
    IngestionJobsRecord job = owned(ctx, principal(ctx));
    streams.stream(ctx, sse -> {
      Progress last = null;
      while (!sse.closing()) {
        Progress now = progress(job);
        if (now.job().finished() || "failed".equals(now.job().status())) {
          sse.event("done", now);
          return;
        }
        if (!now.equals(last)) sse.event("progress", now);
        else sse.heartbeat();
        last = now;
        if (sse.awaitClosing(POLL)) break;
      }
      sse.event("error", new Error("shutting_down", "the gateway is restarting; open the stream again to follow the job"));
    });
  }

  record Error(String code, String message) {}

  private Progress progress(IngestionJobsRecord job) {
    JobProgress p = ingestion.progress(job.getId());
    JobSummary summary = new JobSummary(job.getId(), job.getKind(), job.getSource(), p.status(), job.getCreatedBy(), job.getCreatedAt(),
        p.submittedAt(), p.expected(), p.bytesSubmitted(),
        new Outcomes(p.indexed(), p.unchanged(), p.rejected(), p.duplicate(), p.failed(), p.deleted(), p.chunks()), p.finished());
    List<ReasonCount> reasons = db.selectFrom(INGESTION_JOB_CURATION_SUMMARY)
        .where(INGESTION_JOB_CURATION_SUMMARY.JOB_ID.eq(job.getId()))
        .orderBy(INGESTION_JOB_CURATION_SUMMARY.DOCUMENTS.desc())
        .fetch(r -> new ReasonCount(r.getOutcome(), r.getStage(), r.getRule(), r.getDocuments()));
    return new Progress(summary, new Stages(p.stages().received(), p.stages().parsed(), p.stages().chunked(), p.stages().embedded()),
        p.problems().stream().map(x -> new Problem(x.documentId(), x.outcome(), x.stage(), x.reason())).toList(), reasons,
        StoredJson.tree(mapper, p.submitErrors()));
  }

  private static JobSummary summary(Record r) {
    Integer indexed = r.get(INGESTION_JOB_PROGRESS.INDEXED);
    Outcomes outcomes = indexed == null ? new Outcomes(0, 0, 0, 0, 0, 0, 0) : new Outcomes(indexed, r.get(INGESTION_JOB_PROGRESS.UNCHANGED),
        r.get(INGESTION_JOB_PROGRESS.REJECTED), r.get(INGESTION_JOB_PROGRESS.DUPLICATE), r.get(INGESTION_JOB_PROGRESS.FAILED),
        r.get(INGESTION_JOB_PROGRESS.DELETED), r.get(INGESTION_JOB_PROGRESS.CHUNKS));
    int expected = r.get(INGESTION_JOBS.DOCUMENTS_SUBMITTED) + r.get(INGESTION_JOBS.DOCUMENTS_DELETED);
    int concluded = outcomes.indexed() + outcomes.unchanged() + outcomes.rejected() + outcomes.duplicate() + outcomes.failed() + outcomes.deleted();
    boolean finished = JobProgress.finished(r.get(INGESTION_JOBS.STATUS), concluded, expected);
    return new JobSummary(r.get(INGESTION_JOBS.ID), r.get(INGESTION_JOBS.KIND), r.get(INGESTION_JOBS.SOURCE), r.get(INGESTION_JOBS.STATUS),
        r.get(INGESTION_JOBS.CREATED_BY), r.get(INGESTION_JOBS.CREATED_AT), r.get(INGESTION_JOBS.SUBMITTED_AT), expected,
        r.get(INGESTION_JOBS.BYTES_SUBMITTED), outcomes, finished);
  }

  /** The job when it is the caller's (or the caller is an admin); otherwise it does not exist. */
  private IngestionJobsRecord owned(Context ctx, Principal user) {
    UUID id = Params.uuidPath(ctx, "id", "ingestion job");
    Condition mine = user.isAdmin() ? DSL.trueCondition() : INGESTION_JOBS.CREATED_BY.eq(user.userId());
    return db.selectFrom(INGESTION_JOBS).where(INGESTION_JOBS.ID.eq(id)).and(mine).fetchOptional()
        .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "not_found", "no such ingestion job"));
  }

}
