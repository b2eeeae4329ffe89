package dev.opentier.platform.db;

import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENT_GRANTS;
import static dev.opentier.platform.db.schema.Tables.USERS;

import java.util.UUID;
import org.jooq.Condition;
import org.jooq.impl.DSL;

/**
 * Who may see a document, as one SQL condition on {@code documents}: it is public, the user owns
 * it, or it was shared with an e-mail address the user has verified. Retrieval (intelligence) and
 * the document list (query-api) both filter with it, so a passage is never retrievable where its
 * document is not listable. A share to an address counts only while an account has verified that
 * address: registering someone else's address gains nothing.
 */
public final class DocumentAccess {
  private DocumentAccess() {}

  /** Documents {@code userId} may see; with no user, only public ones. */
  public static Condition visibleTo(UUID userId) {
    Condition visible = DOCUMENTS.VISIBILITY.eq("public");
    if (userId == null) return visible;
    // The caller's verified address, found once per query (an InitPlan), then a primary-key probe per document.
    var verifiedAddress = DSL.select(DSL.lower(USERS.EMAIL)).from(USERS).where(USERS.ID.eq(userId)).and(USERS.EMAIL_VERIFIED_AT.isNotNull());
    return visible.or(DOCUMENTS.OWNER_ID.eq(userId)).or(DSL.exists(DSL.selectOne().from(DOCUMENT_GRANTS)
        .where(DOCUMENT_GRANTS.DOCUMENT_ID.eq(DOCUMENTS.ID)).and(DOCUMENT_GRANTS.EMAIL.eq(DSL.field(verifiedAddress)))));
  }
}
