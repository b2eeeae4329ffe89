package dev.opentier.curation.parse;

/** A document cannot be turned into text; the message says why, for the dead-letter record. */
public final class ParseException extends Exception {
  public ParseException(String message) {
    super(message);
  }

  public ParseException(String message, Throwable cause) {
    super(message, cause);
  }
}
