package dev.opentier.platform.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which curation rules may reject a document. A user's own documents are never dropped for looking
 * unlike prose: under {@link #KNOWLEDGE_BASE} only a document with nothing usable left is rejected,
 * and the pre-training heuristics (repetition, word length …) become flags on its curation record.
 * {@link #WEB} adds rules that catch spam and junk pages; {@link #PRETRAINING} applies the Gopher /
 * C4 thresholds as they are, for corpus builders.
 */
public enum CurationProfile {
  KNOWLEDGE_BASE("knowledge-base"),
  WEB("web"),
  PRETRAINING("pretraining");

  /** The default profile of files, folders, uploads, standard input and JSONL. */
  public static final String DEFAULT = "OPENTIER_CURATION_PROFILE";
  /** The default profile of web crawls. */
  public static final String DEFAULT_WEB = "OPENTIER_CURATION_PROFILE_WEB";

  private final String id;

  CurationProfile(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  /** {@code knowledge-base}, {@code web} or {@code pretraining} (case-insensitive; {@code _} for {@code -} too). */
  @JsonCreator
  public static CurationProfile of(String id) {
    String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    for (CurationProfile profile : values()) {
      if (profile.id.equals(wanted)) return profile;
    }
    throw new IllegalArgumentException("unknown curation profile '" + id + "': one of " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(CurationProfile::id).collect(Collectors.joining(", "));
  }

  /** The default profile for a kind of source ({@code url}: a crawl), from the settings. */
  public static CurationProfile defaultFor(String sourceKind, Settings settings) {
    boolean web = "url".equals(sourceKind);
    String name = web ? DEFAULT_WEB : DEFAULT;
    CurationProfile fallback = web ? WEB : KNOWLEDGE_BASE;
    return settings.optional(name).map(value -> {
      try {
        return of(value);
      } catch (IllegalArgumentException e) {
        throw new SettingException(name, "must be one of " + names() + ", got '" + value + "'");
      }
    }).orElse(fallback);
  }

  /** The built-in default for a kind of source, without settings. */
  public static CurationProfile defaultFor(String sourceKind) {
    return "url".equals(sourceKind) ? WEB : KNOWLEDGE_BASE;
  }
}
