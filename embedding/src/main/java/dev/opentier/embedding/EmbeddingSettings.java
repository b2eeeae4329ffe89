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
 * @param parallelRuns how many model runs may execute at once, each on one thread
 * @param batchSize texts per model run (texts are grouped by length first, so padding stays small)
 * @param modelFile an ONNX graph of the same model to run instead of the built-in weights (same
 *     inputs, a float {@code last_hidden_state} output), such as the fp16 graph with fused attention
 *     that {@code onnxruntime.transformers.optimizer} makes for GPUs; null for the built-in weights
 */
public record EmbeddingSettings(Device device, Model model, int parallelRuns, int batchSize, Path modelFile) {
  public static final String DEVICE = "OPENTIER_EMBEDDING_DEVICE";
  public static final String MODEL = "OPENTIER_EMBEDDING_MODEL";
  public static final String THREADS = "OPENTIER_EMBEDDING_THREADS";
  public static final String BATCH = "OPENTIER_EMBEDDING_BATCH";
  public static final String MODEL_FILE = "OPENTIER_EMBEDDING_MODEL_FILE";

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
    if (modelFile != null && !Files.isReadable(modelFile)) {
      throw new SettingException(MODEL_FILE, "cannot read " + modelFile);
    }
  }

  /** The built-in weights of {@code model}. */
  public EmbeddingSettings(Device device, Model model, int parallelRuns, int batchSize) {
    this(device, model, parallelRuns, batchSize, null);
  }

  /** These settings with another model (and the built-in weights). */
  public EmbeddingSettings withModel(Model other) {
    return new EmbeddingSettings(device, other, parallelRuns, batchSize, null);
  }

  public static EmbeddingSettings from(Settings settings) {
    Device device = settings.choice(DEVICE, Device.class, Device.AUTO);
    // On CPU one text per run on one thread per worker wastes nothing on padding and scales with
    // cores; a GPU wants large batches, and two runs at once to overlap the host's work with its own
    // (each run holds its activations on the card: 8 fp32 runs of 256 exhausted an H100's 80 GB).
    boolean gpu = device == Device.CUDA;
    int defaultBatch = gpu ? 256 : 1;
    int defaultRuns = gpu ? 2 : Runtime.getRuntime().availableProcessors();
    return new EmbeddingSettings(
        device,
        settings.choice(MODEL, Model.class, Model.FP32),
        settings.integer(THREADS, defaultRuns, 1, 256),
        settings.integer(BATCH, defaultBatch, 1, 4096),
        settings.optional(MODEL_FILE).map(Path::of).orElse(null));
  }
}
