package dev.opentier.curation.parse;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.xml.sax.ContentHandler;

/**
 * A Tika parser for tests (registered through the test class path, for three test-only media
 * types): one that never returns and ignores interruption, one that fills any heap, one whose
 * process dies. They stand for the real parsers' worst bugs, which cannot be summoned on demand.
 */
public final class MisbehavingParser implements Parser {
  public static final MediaType NEVER_RETURNS = MediaType.application("x-opentier-never-returns");
  public static final MediaType MEMORY_HOG = MediaType.application("x-opentier-memory-hog");
  public static final MediaType CRASH = MediaType.application("x-opentier-crash");
  /** Content for them: binary, so that detection goes by the file name's extension. */
  public static final byte[] CONTENT = {0, 1, 2, 3, 4, 5, 6, 7};
  /** The exit status of a parse that crashes its process. */
  public static final int CRASH_STATUS = 7;

  @Override
  public Set<MediaType> getSupportedTypes(ParseContext context) {
    return Set.of(NEVER_RETURNS, MEMORY_HOG, CRASH);
  }

  @Override
  public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context) {
    MediaType type = MediaType.parse(metadata.get(Metadata.CONTENT_TYPE));
    if (MEMORY_HOG.equals(type)) {
      List<long[]> hoard = new ArrayList<>();
      while (true) hoard.add(new long[1 << 20]);
    }
    if (CRASH.equals(type)) Runtime.getRuntime().halt(CRASH_STATUS);
    long spins = 0;
    while (spins >= 0) {
      spins++; // never returns, never looks at its interrupt flag, never emits a character
      Thread.onSpinWait();
    }
  }
}
