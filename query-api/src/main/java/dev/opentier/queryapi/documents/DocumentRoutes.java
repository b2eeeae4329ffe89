package dev.opentier.queryapi.documents;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENT_GRANTS;
import static dev.opentier.platform.db.schema.Tables.USERS;
import static dev.opentier.queryapi.auth.AuthGuard.principal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.ingest.job.CrawlQueue;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.source.UploadSource;
import dev.opentier.ingest.source.WebSource;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.db.DocumentAccess;
import dev.opentier.platform.db.schema.tables.records.DocumentsRecord;
import dev.opentier.platform.pipeline.CurationProfile;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.queryapi.auth.Accounts;
import dev.opentier.queryapi.auth.Principal;
import dev.opentier.queryapi.edge.ApiException;
import dev.opentier.queryapi.edge.ClientAddress;
import dev.opentier.queryapi.edge.Params;
import dev.opentier.queryapi.edge.RequestIds;
import dev.opentier.queryapi.edge.StoredJson;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.SortField;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/documents…}: what users pour in and what they may see. Uploads and URLs become
 * ingestion jobs through the ingest library (to Kafka, never straight into the tables); a delete
 * goes the same way. Listing shows the caller's own, granted and public documents. Sharing
 * (grants, visibility) is for the owner or an admin.
 */
public final class DocumentRoutes {
  private static final Logger log = LoggerFactory.getLogger(DocumentRoutes.class);
  private static final Set<String> STATUSES = Set.of("indexed", "rejected", "duplicate", "failed");
  private static final Set<String> SORTS = Set.of("updated", "created", "title");
  private static final Set<String> VISIBILITIES = Set.of("private", "public");

  /** @param refusedFiles each file refused on its own, with the status it would have had alone (413: over the size limit) */
  public record Submitted(UUID jobId, int files, List<String> refused, List<RefusedFile> refusedFiles) {
    public Submitted(UUID jobId, int files, List<String> refused) {
      this(jobId, files, refused, List.of());
    }
  }

  public record RefusedFile(String name, int status, String error, String message) {}

  public record UrlInput(List<String> urls, String visibility, Integer maxDepth, Integer maxPages, Boolean sameHostOnly, String curation) {}

  public record CrawlStarted(String url, UUID jobId) {}

  public record VisibilityInput(String visibility) {}

  public record GrantInput(String email) {}

  public record DocumentView(String id, String title, String uri, String source, String status, String statusReason, String language,
                             String visibility, UUID ownerId, String mimeType, Long sizeBytes, int chunkCount, String duplicateOf,
                             OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime indexedAt) {
    static DocumentView of(DocumentsRecord d) {
      return new DocumentView(d.getId(), d.getTitle(), d.getUri(), d.getSource(), d.getStatus(), d.getStatusReason(), d.getLanguage(),
          d.getVisibility(), d.getOwnerId(), d.getMimeType(), d.getSizeBytes(), d.getChunkCount(), d.getDuplicateOf(), d.getCreatedAt(),
          d.getUpdatedAt(), d.getIndexedAt());
    }
  }

  public record Page(List<DocumentView> documents, String nextCursor) {}

  public record ChunkView(String id, int position, String text, int tokenCount, List<String> headingPath, int startOffset, int endOffset,
                          Integer page) {}

  public record GrantView(String email, OffsetDateTime grantedAt) {}

  public record Detail(DocumentView document, JsonNode metadata, JsonNode curation, boolean canManage, List<GrantView> grants,
                       List<ChunkView> chunks) {}

  private final DSLContext db;
  private final Ingestion ingestion;
  private final UploadSettings limits;
  private final CrawlQueue crawlQueue;
  private final CrawlWorkers crawlWorkers;
  private final ObjectMapper mapper;
  private final Accounts accounts;

  public DocumentRoutes(DSLContext db, Ingestion ingestion, UploadSettings limits, CrawlQueue crawlQueue, CrawlWorkers crawlWorkers, ObjectMapper mapper,
                        Accounts accounts) {
    this.db = db;
    this.ingestion = ingestion;
    this.limits = limits;
    this.crawlQueue = crawlQueue;
    this.crawlWorkers = crawlWorkers;
    this.mapper = mapper;
    this.accounts = accounts;
  }

  /**
   * {@code POST /api/documents}: multipart files ({@code files}), optional {@code visibility} and
   * {@code curation} (profile); one job for all of them.
   */
  public void upload(Context ctx) throws IOException {
    Principal user = principal(ctx);
    if (!ctx.isMultipartFormData()) throw Params.invalid("body", "must be multipart/form-data with one or more 'files' parts");
    List<UploadedFile> uploaded;
    try {
      uploaded = ctx.uploadedFiles("files");
    } catch (RuntimeException e) {
      throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "upload_too_large",
          "the upload is larger than " + limits.maxRequestBytes() / (1024 * 1024) + " MiB in all; send fewer files at a time");
    }
    if (uploaded.isEmpty()) throw Params.invalid("files", "must hold at least one file");
    if (uploaded.size() > limits.maxFiles()) throw Params.invalid("files", "may hold at most " + limits.maxFiles() + " files per request");
    DocumentEvent.Visibility visibility = visibility(ctx.formParam("visibility"));
    CurationProfile curation = limits.curation(ctx.formParam("curation"), false);
    List<UploadSource.File> files = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<RefusedFile> refusedFiles = new ArrayList<>();
    for (UploadedFile file : uploaded) {
      String name = fileName(file.filename());
      if (file.size() > limits.maxFileBytes()) {
        String reason = "file is " + file.size() + " bytes, over the upload limit of " + limits.maxFileBytes() + " bytes";
        refused.add(name);
        refusedFiles.add(new RefusedFile(name, HttpStatus.CONTENT_TOO_LARGE.getCode(), "file_too_large", reason));
        files.add(UploadSource.File.refused(name, file.size(), reason));
      } else {
        files.add(UploadSource.File.of(name, file.contentType(), file.size(), () -> {
          try (var in = file.content()) {
            return in.readAllBytes();
          }
        }));
      }
    }
    if (refusedFiles.size() == files.size()) {
      // nothing in the request can be taken: the request as a whole is too large
      throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "file_too_large", refusedFiles.size() == 1 ? refusedFiles.getFirst().message()
          : "every file is over the upload limit of " + limits.maxFileBytes() + " bytes");
    }
    UUID job = ingestion.submit(new UploadSource(user.userId(), files), new Ingestion.Options(visibility, user.userId(), user.userId(), false, curation),
        (documents, bytes) -> {});
    ctx.status(HttpStatus.ACCEPTED).json(new Submitted(job, files.size(), refused, refusedFiles));
  }

  /** {@code POST /api/documents/urls}: a crawl per URL, each its own job, run in the background. */
  public void addUrls(Context ctx) {
    Principal user = principal(ctx);
    UrlInput input = ctx.bodyAsClass(UrlInput.class);
    if (input.urls() == null || input.urls().isEmpty()) throw Params.invalid("urls", "must hold at least one URL");
    if (input.urls().size() > limits.maxUrls()) throw Params.invalid("urls", "may hold at most " + limits.maxUrls() + " URLs");
    if (input.maxDepth() != null && input.maxDepth() < 0) throw Params.invalid("max_depth", "must be 0 or more");
    if (input.maxPages() != null && input.maxPages() < 1) throw Params.invalid("max_pages", "must be 1 or more");
    DocumentEvent.Visibility visibility = visibility(input.visibility());
    Ingestion.Options options = new Ingestion.Options(visibility, user.userId(), user.userId(), false, limits.curation(input.curation(), true));
    List<WebSource> sources = new ArrayList<>();
    for (String url : input.urls()) sources.add(new WebSource(webUri(url), limits.crawl(input.maxDepth(), input.maxPages(), input.sameHostOnly())));
    List<CrawlStarted> started = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      WebSource source = sources.get(i);
      UUID job = ingestion.createJob(source, options);
      // run by a crawl worker of any gateway, which leases it (a crawl outlives this gateway)
      crawlQueue.enqueue(job, source.start(), source.options(), options);
      started.add(new CrawlStarted(input.urls().get(i).strip(), job));
    }
    crawlWorkers.wake();
    ctx.status(HttpStatus.ACCEPTED).json(started);
  }

  /** {@code GET /api/documents}: own, granted and public documents; filters, sort, cursor pages. */
  public void list(Context ctx) {
    Principal user = principal(ctx);
    int limit = Params.integer(ctx, "limit", 50, 1, 200);
    String sort = Params.oneOf(ctx, "sort", "updated", SORTS);
    String status = Params.oneOf(ctx, "status", null, STATUSES);
    boolean all = "all".equals(Params.oneOf(ctx, "scope", "visible", Set.of("visible", "all")));
    if (all && !user.isAdmin()) throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "scope=all needs an administrator");
    Condition where = all ? DSL.trueCondition() : DocumentAccess.visibleTo(user.userId());
    if (status != null) where = where.and(DOCUMENTS.STATUS.eq(status));
    String source = ctx.queryParam("source");
    if (source != null && !source.isBlank()) where = where.and(DOCUMENTS.SOURCE.eq(source.strip()));
    String language = ctx.queryParam("language");
    if (language != null && !language.isBlank()) where = where.and(DOCUMENTS.LANGUAGE.eq(language.strip().toLowerCase(Locale.ROOT)));
    String q = ctx.queryParam("q");
    if (q != null && !q.isBlank()) where = where.and(DOCUMENTS.TITLE.containsIgnoreCase(q.strip()).or(DOCUMENTS.URI.containsIgnoreCase(q.strip())));

    Params.Cursor after = Params.cursor(ctx);
    var titleKey = DSL.coalesce(DOCUMENTS.TITLE, "");
    List<SortField<?>> order;
    switch (sort) {
      case "title" -> {
        if (after != null) where = where.and(DSL.row(titleKey, DOCUMENTS.ID).gt(after.key(), after.id()));
        order = List.of(titleKey.asc(), DOCUMENTS.ID.asc());
      }
      case "created" -> {
        if (after != null) where = where.and(DSL.row(DOCUMENTS.CREATED_AT, DOCUMENTS.ID).lt(after.time(), after.id()));
        order = List.of(DOCUMENTS.CREATED_AT.desc(), DOCUMENTS.ID.desc());
      }
      default -> {
        if (after != null) where = where.and(DSL.row(DOCUMENTS.UPDATED_AT, DOCUMENTS.ID).lt(after.time(), after.id()));
        order = List.of(DOCUMENTS.UPDATED_AT.desc(), DOCUMENTS.ID.desc());
      }
    }
    List<DocumentsRecord> rows = db.selectFrom(DOCUMENTS).where(where).orderBy(order).limit(limit + 1).fetch();
    Params.Page<DocumentsRecord> page = Params.page(rows, limit, last -> switch (sort) {
      case "title" -> new Params.Cursor(last.getTitle() == null ? "" : last.getTitle(), last.getId());
      case "created" -> Params.Cursor.of(last.getCreatedAt(), last.getId());
      default -> Params.Cursor.of(last.getUpdatedAt(), last.getId());
    });
    ctx.json(new Page(page.rows().stream().map(DocumentView::of).toList(), page.nextCursor()));
  }

  /** {@code GET /api/documents/{id}}: metadata, curation record, grants (for its managers) and a page of chunks. */
  public void get(Context ctx) {
    Principal user = principal(ctx);
    DocumentsRecord document = visible(ctx, user);
    int offset = Params.integer(ctx, "chunk_offset", 0, 0, 1_000_000);
    int limit = Params.integer(ctx, "chunk_limit", 100, 0, 1_000);
    List<ChunkView> chunks = db.select(CHUNKS.ID, CHUNKS.POSITION, CHUNKS.TEXT, CHUNKS.TOKEN_COUNT, CHUNKS.HEADING_PATH, CHUNKS.START_OFFSET,
            CHUNKS.END_OFFSET, CHUNKS.PAGE)
        .from(CHUNKS).where(CHUNKS.DOCUMENT_ID.eq(document.getId()))
        .orderBy(CHUNKS.POSITION).limit(limit).offset(offset)
        .fetch(r -> new ChunkView(r.value1().toString(), r.value2(), r.value3(), r.value4(), List.of(r.value5()), r.value6(), r.value7(),
            r.value8()));
    boolean manage = canManage(user, document);
    List<GrantView> grants = manage ? grants(document.getId()) : List.of();
    ctx.json(new Detail(DocumentView.of(document), StoredJson.tree(mapper, document.getMetadata().data()), StoredJson.tree(mapper, document.getCuration().data()), manage, grants, chunks));
  }

  /** {@code DELETE /api/documents/{id}}: a delete job through the pipeline (which removes the document and its chunks). */
  public void delete(Context ctx) {
    Principal user = principal(ctx);
    DocumentsRecord document = managed(ctx, user);
    UUID job = ingestion.delete(List.of(document.getId()), user.userId());
    accounts.audit(user.userId(), "document.delete", "document", document.getId(), ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.status(HttpStatus.ACCEPTED).json(new Submitted(job, 1, List.of()));
  }

  /**
   * {@code POST /api/documents/{id}/index-anyway}: a rejected document goes through the pipeline
   * again from what curation kept of it (parsed and PII-redacted), its rules flagging instead of
   * rejecting, the override (who, when, which rejection) in its lineage. Its owner or an admin only.
   */
  public void indexAnyway(Context ctx) {
    Principal user = principal(ctx);
    DocumentsRecord document = managed(ctx, user);
    if (!"rejected".equals(document.getStatus())) {
      throw new ApiException(HttpStatus.CONFLICT, "not_rejected", "only a rejected document can be indexed anyway; this one is " + document.getStatus());
    }
    UUID job = ingestion.indexAnyway(document.getId(), document.getStatusReason(), user.userId())
        .orElseThrow(() -> new ApiException(HttpStatus.CONFLICT, "not_held",
            "nothing of this document was kept (it was rejected before its text was read, or by an older version); ingest it again"));
    accounts.audit(user.userId(), "document.index_anyway", "document", document.getId(), ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.status(HttpStatus.ACCEPTED).json(new Submitted(job, 1, List.of()));
  }

  /** {@code PATCH /api/documents/{id}}: make it public or private. */
  public void changeVisibility(Context ctx) {
    Principal user = principal(ctx);
    DocumentsRecord document = managed(ctx, user);
    String visibility = ctx.bodyAsClass(VisibilityInput.class).visibility();
    if (visibility == null || !VISIBILITIES.contains(visibility)) throw Params.invalid("visibility", "must be private or public");
    db.update(DOCUMENTS).set(DOCUMENTS.VISIBILITY, visibility).set(DOCUMENTS.UPDATED_AT, OffsetDateTime.now())
        .where(DOCUMENTS.ID.eq(document.getId())).execute();
    accounts.audit(user.userId(), "document.visibility:" + visibility, "document", document.getId(), ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.json(DocumentView.of(db.selectFrom(DOCUMENTS).where(DOCUMENTS.ID.eq(document.getId())).fetchOne()));
  }

  /**
   * {@code POST /api/documents/{id}/grants}: share with an e-mail address. The answer is the same
   * whether or not an account has the address: the share reaches an account once (and while) it has
   * verified that address, so the form tells nobody which addresses have accounts.
   */
  public void grant(Context ctx) {
    Principal user = principal(ctx);
    DocumentsRecord document = managed(ctx, user);
    String given = ctx.bodyAsClass(GrantInput.class).email();
    if (given == null || given.isBlank()) throw Params.invalid("email", "is required");
    String email = Accounts.validEmail(given).toLowerCase(Locale.ROOT);
    db.insertInto(DOCUMENT_GRANTS)
        .set(DOCUMENT_GRANTS.DOCUMENT_ID, document.getId())
        .set(DOCUMENT_GRANTS.EMAIL, email)
        .set(DOCUMENT_GRANTS.GRANTED_BY, user.userId())
        .onConflictDoNothing()
        .execute();
    accounts.audit(user.userId(), "document.grant", "document", document.getId() + ":" + email, ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.status(HttpStatus.CREATED).json(grants(document.getId()));
  }

  /** {@code DELETE /api/documents/{id}/grants/{email}}: the share ends at once, for searches and for conversations that cited it. */
  public void revoke(Context ctx) {
    Principal user = principal(ctx);
    DocumentsRecord document = managed(ctx, user);
    String email = Accounts.comparable(ctx.pathParam("email"));
    int removed = email == null ? 0 : db.deleteFrom(DOCUMENT_GRANTS).where(DOCUMENT_GRANTS.DOCUMENT_ID.eq(document.getId()))
        .and(DOCUMENT_GRANTS.EMAIL.eq(email)).execute();
    if (removed == 0) throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "no such grant");
    accounts.audit(user.userId(), "document.revoke", "document", document.getId() + ":" + email, ClientAddress.of(ctx), RequestIds.of(ctx));
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private List<GrantView> grants(String documentId) {
    return db.select(DOCUMENT_GRANTS.EMAIL, DOCUMENT_GRANTS.CREATED_AT)
        .from(DOCUMENT_GRANTS)
        .where(DOCUMENT_GRANTS.DOCUMENT_ID.eq(documentId))
        .orderBy(DOCUMENT_GRANTS.CREATED_AT, DOCUMENT_GRANTS.EMAIL)
        .fetch(r -> new GrantView(r.value1(), r.value2()));
  }

  /** The document when the caller may see it (admins see every document); otherwise it does not exist. */
  private DocumentsRecord visible(Context ctx, Principal user) {
    Condition access = user.isAdmin() ? DSL.trueCondition() : DocumentAccess.visibleTo(user.userId());
    return db.selectFrom(DOCUMENTS).where(DOCUMENTS.ID.eq(ctx.pathParam("id"))).and(access).fetchOptional()
        .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "not_found", "no such document"));
  }

  /** The document when the caller may change it: its owner or an admin. Seeing it without owning it is a 403. */
  private DocumentsRecord managed(Context ctx, Principal user) {
    DocumentsRecord document = visible(ctx, user);
    if (!canManage(user, document)) throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "only the document's owner or an admin may change it");
    return document;
  }

  private static boolean canManage(Principal user, DocumentsRecord document) {
    return user.isAdmin() || user.userId().equals(document.getOwnerId());
  }


  private static DocumentEvent.Visibility visibility(String given) {
    if (given == null || given.isBlank()) return DocumentEvent.Visibility.PRIVATE;
    return switch (given.strip()) {
      case "private" -> DocumentEvent.Visibility.PRIVATE;
      case "public" -> DocumentEvent.Visibility.PUBLIC;
      default -> throw Params.invalid("visibility", "must be private or public");
    };
  }

  private static URI webUri(String url) {
    try {
      URI uri = new URI(url == null ? "" : url.strip());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw Params.invalid("urls", "must be http(s) URLs, got '" + url + "'");
      }
      return uri;
    } catch (URISyntaxException | SettingException e) {
      throw Params.invalid("urls", "must be http(s) URLs, got '" + url + "'");
    }
  }

  /**
   * The name a file was uploaded under, as a relative path: no leading slashes, no "..", no control
   * or invisible formatting characters (a right-to-left override would make "gpj.exe" read "exe.jpg").
   */
  static String fileName(String given) {
    String name = given == null ? "" : given.replace('\\', '/');
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      String clean = Normalizer.normalize(part, Normalizer.Form.NFC).replaceAll("[\\p{Cntrl}\\p{Cf}]", "").strip();
      if (!clean.isEmpty() && !clean.equals(".") && !clean.equals("..")) parts.add(clean);
    }
    String joined = String.join("/", parts);
    if (joined.isEmpty()) return "unnamed";
    return joined.length() > 500 ? joined.substring(joined.length() - 500) : joined;
  }
}
