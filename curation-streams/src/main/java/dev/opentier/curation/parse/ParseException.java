package dev.opentier.curation.parse;

/**
 * A document cannot be turned into text; the message says why, for the dead-letter record. A
 * document that was read but has nothing of its own to index (a page that only redirects, a
 * frameset, a page of nothing but site chrome) is {@link #nothingUsable()}: a curation verdict
 * (rejected), not a failure.
 */
public final class ParseException extends Exception {
  private final boolean nothingUsable;

  public ParseException(String message) {
    this(message, null, false);
  }

  public ParseException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private ParseException(String message, Throwable cause, boolean nothingUsable) {
    super(message, cause);
    this.nothingUsable = nothingUsable;
  }

  /** The document was read and holds nothing to index. */
  public static ParseException nothingUsable(String message) {
    return new ParseException(message, null, true);
  }

  public boolean nothingUsable() {
    return nothingUsable;
  }
}
