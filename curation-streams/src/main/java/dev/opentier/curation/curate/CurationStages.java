package dev.opentier.curation.curate;

import dev.opentier.curation.Work;
import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.platform.pipeline.ProgressEvent.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The stateless curation stages, each from {@link Work} to {@link Work}: normalise, language,
 * quality and PII. Each records its verdict in the document's curation record; a rejection
 * concludes the document as REJECTED with the stage and the reason. A stage that is switched off
 * passes documents through untouched and records nothing.
 */
public final class CurationStages {
  private final CurationSettings settings;
  private final TextNormalizer normalizer = new TextNormalizer();
  private final LanguageIdentifier languages;
  private final QualityRules quality;
  private final PiiRedactor pii;

  public CurationStages(CurationSettings settings) {
    this.settings = settings;
    this.languages = settings.language() ? new LanguageIdentifier() : null;
    this.quality = settings.quality() == null ? null : new QualityRules(settings.quality());
    this.pii = settings.pii() == CurationSettings.PiiMode.OFF ? null : new PiiRedactor(settings.phoneRegion());
  }

  public Work normalize(Work work) {
    if (!settings.normalize()) return work;
    long started = System.nanoTime();
    TextNormalizer.Result result = normalizer.normalize(work.parsed());
    return work.withParsed(result.document())
        .withCuration(work.curation().withNormalization(result.report()).withStage("normalize", "normalized", started));
  }

  public Work language(Work work) {
    if (languages == null) return work;
    long started = System.nanoTime();
    String language = languages.identify(work.parsed().text());
    boolean allowed = settings.allowedLanguages().isEmpty() || settings.allowedLanguages().contains(language)
        || work.event().override() != null;
    Work identified = work.withCuration(work.curation().withLanguage(language).withStage("language", allowed ? language : "rejected", started));
    return allowed ? identified : identified.conclude(Outcome.REJECTED, "language",
        "language " + language + " is not among the allowed " + String.join(",", settings.allowedLanguages().stream().sorted().toList()));
  }

  public Work quality(Work work) {
    if (quality == null) return work;
    long started = System.nanoTime();
    QualityRules.Report report = quality.check(work.parsed().text(), work.curation().language(), work.event().curation());
    if (!report.passed() && work.event().override() != null) {
      // Indexed anyway, as its owner asked: what would have rejected it is kept as flags.
      List<QualityRules.Failure> flags = new ArrayList<>(report.failures());
      flags.addAll(report.flags());
      report = new QualityRules.Report(report.measurements(), List.of(), flags);
    }
    String verdict = !report.passed() ? "rejected" : report.flags().isEmpty() ? "passed" : "flagged";
    Work checked = work.withCuration(work.curation().withQuality(report).withStage("quality", verdict, started));
    return report.passed() ? checked : checked.conclude(Outcome.REJECTED, "quality",
        report.failures().stream().map(QualityRules.Failure::toString).collect(Collectors.joining("; ")));
  }

  /** Runs before anything is chunked, embedded or stored: no stored text or vector sees the original. */
  public Work pii(Work work) {
    if (pii == null) return work;
    long started = System.nanoTime();
    Map<PiiRedactor.Kind, Integer> counts = new EnumMap<>(PiiRedactor.Kind.class);
    ParsedDocument redacted = work.parsed().rewrite(
        title -> count(pii.redact(title), counts),
        (block, text) -> count(pii.redact(text), counts));
    if (counts.isEmpty()) return work.withCuration(work.curation().withPii(counts).withStage("pii", "none found", started));
    if (settings.pii() == CurationSettings.PiiMode.REJECT && work.event().override() == null) {
      // The text of a rejected document is never stored; its title is, redacted.
      return work.withParsed(redacted).withCuration(work.curation().withPii(counts).withStage("pii", "rejected", started))
          .conclude(Outcome.REJECTED, "pii", "contains personal data: " + describe(counts));
    }
    return work.withParsed(redacted).withCuration(work.curation().withPii(counts).withStage("pii", "redacted", started));
  }

  private static String count(PiiRedactor.Redaction redaction, Map<PiiRedactor.Kind, Integer> counts) {
    redaction.counts().forEach((kind, n) -> counts.merge(kind, n, Integer::sum));
    return redaction.text();
  }

  private static String describe(Map<PiiRedactor.Kind, Integer> counts) {
    return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }
}
