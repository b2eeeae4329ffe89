package dev.opentier.intelligence.chat;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Which model answers and how a chat prompt is built. */
public record ChatSettings(
    Provider provider,
    String openAiBaseUrl,
    Optional<String> openAiKey,
    String openAiModel,
    Optional<String> geminiKey,
    String geminiModel,
    Optional<String> geminiBaseUrl,
    Duration timeout,
    int contextTokens,
    int topK,
    int maxMessageChars) {

  public enum Provider { AUTO, OPENAI, GEMINI, EXTRACTIVE }

  public static final String PROVIDER = "OPENTIER_LLM_PROVIDER";
  public static final String OPENAI_BASE_URL = "OPENTIER_OPENAI_BASE_URL";
  public static final String OPENAI_API_KEY = "OPENTIER_OPENAI_API_KEY";
  public static final String OPENAI_MODEL = "OPENTIER_OPENAI_MODEL";
  public static final String GEMINI_API_KEY = "OPENTIER_GEMINI_API_KEY";
  public static final String GEMINI_MODEL = "OPENTIER_GEMINI_MODEL";
  public static final String GEMINI_BASE_URL = "OPENTIER_GEMINI_BASE_URL";
  public static final String TIMEOUT = "OPENTIER_LLM_TIMEOUT_SECONDS";
  public static final String CONTEXT_TOKENS = "OPENTIER_CHAT_CONTEXT_TOKENS";
  public static final String TOP_K = "OPENTIER_CHAT_TOP_K";
  public static final String MAX_MESSAGE_CHARS = "OPENTIER_CHAT_MAX_MESSAGE_CHARS";

  public static ChatSettings from(Settings settings) {
    // OPENAI_API_KEY is what every OpenAI client reads; OpenTier's own name wins when both are set.
    Optional<String> key = settings.optional(OPENAI_API_KEY).or(() -> settings.optional("OPENAI_API_KEY"));
    Provider provider = settings.choice(PROVIDER, Provider.class, Provider.AUTO);
    String baseUrl = settings.string(OPENAI_BASE_URL, "https://api.openai.com/v1");
    if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw new SettingException(OPENAI_BASE_URL, "must be an http(s) URL, got '" + baseUrl + "'");
    }
    boolean explicitServer = settings.optional(OPENAI_BASE_URL).isPresent();
    Optional<String> geminiKey = settings.optional(GEMINI_API_KEY).or(() -> settings.optional("GEMINI_API_KEY"))
        .or(() -> settings.optional("GOOGLE_API_KEY"));
    if (provider == Provider.AUTO) {
      provider = key.isPresent() || explicitServer ? Provider.OPENAI : geminiKey.isPresent() ? Provider.GEMINI : Provider.EXTRACTIVE;
    }
    if (provider == Provider.GEMINI && geminiKey.isEmpty()) throw new SettingException(GEMINI_API_KEY, "is required for the gemini provider");
    return new ChatSettings(provider, baseUrl, key, settings.string(OPENAI_MODEL, "gpt-4o"),
        geminiKey, settings.string(GEMINI_MODEL, "gemini-2.5-flash"), settings.optional(GEMINI_BASE_URL),
        settings.seconds(TIMEOUT, 60, 1, 600),
        settings.integer(CONTEXT_TOKENS, 6_000, 500, 1_000_000),
        settings.integer(TOP_K, 5, 1, 20),
        settings.integer(MAX_MESSAGE_CHARS, 16_000, 100, 200_000));
  }

  public String describe() {
    return switch (provider) {
      case OPENAI -> "openai-compatible " + openAiModel + " at " + openAiBaseUrl;
      case GEMINI -> "gemini " + geminiModel;
      default -> provider.name().toLowerCase(Locale.ROOT);
    };
  }
}
