package dev.opentier.curation.curate;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which curation stages run and their thresholds. Every stage is on by default; {@code
 * OPENTIER_CURATION=off} turns all of them off at once (the pipeline then only parses, chunks,
 * embeds and indexes).
 */
public record CurationSettings(
    boolean normalize,
    boolean language,
    Set<String> allowedLanguages,
    QualityRules.Thresholds quality,
    PiiMode pii,
    String phoneRegion,
    boolean exactDedup,
    boolean nearDedup,
    double nearThreshold) {

  public enum PiiMode { OFF, REDACT, REJECT }

  public static final String ENABLED = "OPENTIER_CURATION";
  public static final String NORMALIZE = "OPENTIER_CURATION_NORMALIZE";
  public static final String LANGUAGE = "OPENTIER_CURATION_LANGUAGE";
  public static final String LANGUAGES_ALLOWED = "OPENTIER_CURATION_LANGUAGES_ALLOWED";
  public static final String QUALITY = "OPENTIER_QUALITY";
  public static final String QUALITY_MIN_WORDS = "OPENTIER_QUALITY_MIN_WORDS";
  public static final String QUALITY_MIN_MEAN_WORD_LENGTH = "OPENTIER_QUALITY_MIN_MEAN_WORD_LENGTH";
  public static final String QUALITY_MAX_MEAN_WORD_LENGTH = "OPENTIER_QUALITY_MAX_MEAN_WORD_LENGTH";
  public static final String QUALITY_MAX_SYMBOL_RATIO = "OPENTIER_QUALITY_MAX_SYMBOL_RATIO";
  public static final String QUALITY_MAX_BULLET_LINES = "OPENTIER_QUALITY_MAX_BULLET_LINES";
  public static final String QUALITY_MAX_ELLIPSIS_LINES = "OPENTIER_QUALITY_MAX_ELLIPSIS_LINES";
  public static final String QUALITY_MIN_ALPHA_WORDS = "OPENTIER_QUALITY_MIN_ALPHA_WORDS";
  public static final String QUALITY_MAX_DUPLICATE_LINES = "OPENTIER_QUALITY_MAX_DUPLICATE_LINES";
  public static final String QUALITY_MAX_TOP_NGRAM = "OPENTIER_QUALITY_MAX_TOP_NGRAM";
  public static final String QUALITY_MAX_DUPLICATE_NGRAM = "OPENTIER_QUALITY_MAX_DUPLICATE_NGRAM";
  public static final String QUALITY_MIN_STOP_WORDS = "OPENTIER_QUALITY_MIN_STOP_WORDS";
  public static final String PII = "OPENTIER_PII_MODE";
  public static final String PHONE_REGION = "OPENTIER_PII_PHONE_REGION";
  public static final String DEDUP_EXACT = "OPENTIER_DEDUP_EXACT";
  public static final String DEDUP_NEAR = "OPENTIER_DEDUP_NEAR";
  public static final String DEDUP_NEAR_THRESHOLD = "OPENTIER_DEDUP_NEAR_THRESHOLD";

  /** Nothing curated: what the pipeline does with {@code OPENTIER_CURATION=off}. */
  public static CurationSettings off() {
    return new CurationSettings(false, false, Set.of(), null, PiiMode.OFF, "US", false, false, 0.8);
  }

  public static CurationSettings from(Settings settings) {
    if (!settings.flag(ENABLED, true)) return off();
    Set<String> allowed = Arrays.stream(settings.string(LANGUAGES_ALLOWED, "").split(","))
        .map(code -> code.strip().toLowerCase(Locale.ROOT))
        .filter(code -> !code.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
    for (String code : allowed) {
      if (!code.matches("[a-z]{2}")) {
        throw new SettingException(LANGUAGES_ALLOWED, "must be ISO 639-1 codes separated by commas, e.g. en,de; got '" + code + "'");
      }
    }
    boolean quality = settings.flag(QUALITY, true);
    String phoneRegion = settings.string(PHONE_REGION, "US").toUpperCase(Locale.ROOT);
    if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(phoneRegion)) {
      throw new SettingException(PHONE_REGION, "must be a region code such as US, GB or DE, got '" + phoneRegion + "'");
    }
    return new CurationSettings(
        settings.flag(NORMALIZE, true),
        settings.flag(LANGUAGE, true) || !allowed.isEmpty(),
        allowed,
        quality ? new QualityRules.Thresholds(
            settings.integer(QUALITY_MIN_WORDS, 3, 0, 1_000_000),
            settings.decimal(QUALITY_MIN_MEAN_WORD_LENGTH, 3, 0, 100),
            settings.decimal(QUALITY_MAX_MEAN_WORD_LENGTH, 10, 1, 1000),
            settings.decimal(QUALITY_MAX_SYMBOL_RATIO, 0.1, 0, 100),
            settings.decimal(QUALITY_MAX_BULLET_LINES, 0.9, 0, 1),
            settings.decimal(QUALITY_MAX_ELLIPSIS_LINES, 0.3, 0, 1),
            settings.decimal(QUALITY_MIN_ALPHA_WORDS, 0.8, 0, 1),
            settings.decimal(QUALITY_MAX_DUPLICATE_LINES, 0.3, 0, 1),
            settings.decimal(QUALITY_MAX_TOP_NGRAM, 0.2, 0, 1),
            settings.decimal(QUALITY_MAX_DUPLICATE_NGRAM, 0.3, 0, 1),
            settings.integer(QUALITY_MIN_STOP_WORDS, 2, 0, 100)) : null,
        settings.choice(PII, PiiMode.class, PiiMode.REDACT),
        phoneRegion,
        settings.flag(DEDUP_EXACT, true),
        settings.flag(DEDUP_NEAR, true),
        settings.decimal(DEDUP_NEAR_THRESHOLD, 0.8, 0.5, 1.0));
  }

  public boolean dedup() {
    return exactDedup || nearDedup;
  }
}
