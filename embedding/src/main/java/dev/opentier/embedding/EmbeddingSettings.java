package dev.opentier.embedding;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How to run the embedding model.
 *
 * @param device where to run: auto (CUDA when ONNX Runtime's CUDA provider works, else CPU), cpu, cuda
 * @param model fp32 (the model as published) or int8 (dynamically quantized: faster on CPU, cosine ≥ 0.97 to fp32)
 * @param parallelRuns how many model runs may execute at once, each on one thread; {@link #BY_DEVICE}
 *     for the default of the device the embedder ends up on
 * @param batchSize texts per model run at most (texts are grouped by length first, so padding stays
 *     small); a run holds at most this many 128-token texts' worth of tokens, so texts up to 256
 *     tokens make runs of fewer rows; {@link #BY_DEVICE} likewise
 * @param sessions ONNX Runtime sessions the parallel runs are spread over (at most one per run);
 *     {@link #BY_DEVICE}: one per run on CUDA, one on CPU
 * @param modelFile an ONNX graph of the same model to run instead of the built-in weights (same
 *     inputs, a float {@code last_hidden_state} output), such as the fp16 graph with fused attention
 *     that {@code onnxruntime.transformers.optimizer} makes for GPUs; null for the built-in weights
 */
public record EmbeddingSettings(Device device, Model model, int parallelRuns, int batchSize, int sessions,
                                Path modelFile) {
  public static final String DEVICE = "OPENTIER_EMBEDDING_DEVICE";
  public static final String MODEL = "OPENTIER_EMBEDDING_MODEL";
  public static final String THREADS = "OPENTIER_EMBEDDING_THREADS";
  public static final String BATCH = "OPENTIER_EMBEDDING_BATCH";
  public static final String SESSIONS = "OPENTIER_EMBEDDING_SESSIONS";
  public static final String MODEL_FILE = "OPENTIER_EMBEDDING_MODEL_FILE";
  /** Runs, batch size or sessions not set: the device's default, once {@code auto} has found the device. */
  public static final int BY_DEVICE = 0;

  public enum Device { AUTO, CPU, CUDA }

  public enum Model {
    FP32("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json"),
    INT8("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json");

    final String weights;
    final String tokenizer;

    Model(String weights, String tokenizer) {
      this.weights = weights;
      this.tokenizer = tokenizer;
    }
  }

  public EmbeddingSettings {
    if (parallelRuns < 1 && parallelRuns != BY_DEVICE) throw new SettingException(THREADS, "must be at least 1");
    if (batchSize < 1 && batchSize != BY_DEVICE) throw new SettingException(BATCH, "must be at least 1");
    if (sessions < 1 && sessions != BY_DEVICE) throw new SettingException(SESSIONS, "must be at least 1");
    if (modelFile != null && !Files.isReadable(modelFile)) {
      throw new SettingException(MODEL_FILE, "cannot read " + modelFile);
    }
  }

  /** The built-in weights of {@code model}. */
  public EmbeddingSettings(Device device, Model model, int parallelRuns, int batchSize) {
    this(device, model, parallelRuns, batchSize, BY_DEVICE, null);
  }

  /** These settings with another model (and the built-in weights). */
  public EmbeddingSettings withModel(Model other) {
    return new EmbeddingSettings(device, other, parallelRuns, batchSize, sessions, null);
  }

  /**
   * These settings on the device the embedder runs on, {@link #BY_DEVICE} replaced by its defaults.
   * On CPU one text per run on one thread per worker wastes nothing on padding and scales with
   * cores. A GPU wants large batches, and several runs at once, each in a session of its own, to
   * overlap the host's work with its own: on an H100, 4 runs over 4 sessions embedded fp32 chunks at
   * the full window 9–19 % faster than 2 runs or 1 shared session (BENCHMARKS.md).
   */
  public EmbeddingSettings resolvedFor(boolean cuda) {
    int runs = parallelRuns != BY_DEVICE ? parallelRuns : cuda ? 4 : Runtime.getRuntime().availableProcessors();
    return new EmbeddingSettings(device, model, runs,
        batchSize != BY_DEVICE ? batchSize : cuda ? 256 : 1,
        Math.min(runs, sessions != BY_DEVICE ? sessions : cuda ? runs : 1),
        modelFile);
  }

  public static EmbeddingSettings from(Settings settings) {
    return new EmbeddingSettings(
        settings.choice(DEVICE, Device.class, Device.AUTO),
        settings.choice(MODEL, Model.class, Model.FP32),
        settings.integer(THREADS, BY_DEVICE, 1, 256),
        settings.integer(BATCH, BY_DEVICE, 1, 4096),
        settings.integer(SESSIONS, BY_DEVICE, 1, 256),
        settings.optional(MODEL_FILE).map(Path::of).orElse(null));
  }
}
