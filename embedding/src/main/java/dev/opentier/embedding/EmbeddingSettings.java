package dev.opentier.embedding;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;

/**
 * How to run the embedding model.
 *
 * @param device where to run: auto (CUDA when ONNX Runtime's CUDA provider works, else CPU), cpu, cuda
 * @param model fp32 (the model as published) or int8 (dynamically quantized: faster on CPU, cosine ≥ 0.97 to fp32)
 * @param parallelRuns how many model runs may execute at once, each on one thread
 * @param batchSize texts per model run (texts are grouped by length first, so padding stays small)
 */
public record EmbeddingSettings(Device device, Model model, int parallelRuns, int batchSize) {
  public static final String DEVICE = "OPENTIER_EMBEDDING_DEVICE";
  public static final String MODEL = "OPENTIER_EMBEDDING_MODEL";
  public static final String THREADS = "OPENTIER_EMBEDDING_THREADS";
  public static final String BATCH = "OPENTIER_EMBEDDING_BATCH";

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
    if (parallelRuns < 1) throw new SettingException(THREADS, "must be at least 1");
    if (batchSize < 1) throw new SettingException(BATCH, "must be at least 1");
  }

  public static EmbeddingSettings from(Settings settings) {
    Device device = settings.choice(DEVICE, Device.class, Device.AUTO);
    // On CPU one text per run on one thread per worker wastes nothing on padding and scales with
    // cores; a GPU wants large batches.
    int defaultBatch = device == Device.CUDA ? 128 : 1;
    return new EmbeddingSettings(
        device,
        settings.choice(MODEL, Model.class, Model.FP32),
        settings.integer(THREADS, Runtime.getRuntime().availableProcessors(), 1, 256),
        settings.integer(BATCH, defaultBatch, 1, 4096));
  }
}
