package dev.opentier.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.opentier.platform.config.SettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentence embeddings with all-MiniLM-L6-v2 (384 dimensions, unit length): ONNX Runtime over the
 * model's full 256-token window, mean pooling over real tokens, L2 normalisation (both inside the
 * model's graph: {@link PooledGraph}).
 *
 * <p>Texts are grouped by token length before batching so padding stays small; batches run in
 * parallel, each ONNX run on one thread (measured steadier and faster on CPU than one shared
 * intra-op pool). Thread-safe: any number of callers may embed at once; runs queue for the workers.
 */
public final class Embedder implements AutoCloseable {
  public static final int DIMENSIONS = 384;
  private static final Set<String> POOLED = Set.of(PooledGraph.OUTPUT);
  private static final int TOKENIZE_SLICE = 256;
  private static final Logger log = LoggerFactory.getLogger(Embedder.class);

  private final EmbeddingSettings settings;
  private final WordPieceTokenizer tokenizer;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final ExecutorService workers;
  private final String device;
  private final boolean takesTokenTypes;

  private Embedder(EmbeddingSettings settings, WordPieceTokenizer tokenizer, OrtEnvironment environment,
                   OrtSession session, String device) {
    this.settings = settings;
    this.tokenizer = tokenizer;
    this.environment = environment;
    this.session = session;
    this.device = device;
    this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
    AtomicInteger next = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(settings.parallelRuns(), r -> {
      Thread thread = new Thread(r, "embedder-" + next.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  public static Embedder create(EmbeddingSettings settings) {
    Cuda13Natives.prepare();
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    byte[] weights = PooledGraph.append(
        settings.modelFile() != null ? readFile(settings.modelFile()) : readResource(settings.model().weights));
    WordPieceTokenizer tokenizer = WordPieceTokenizer.forModel(settings.model());
    try {
      OrtSession session = null;
      String device = "cpu";
      if (settings.device() != EmbeddingSettings.Device.CPU && cudaAvailable()) {
        try {
          session = environment.createSession(weights, options(settings, true));
          device = "cuda";
        } catch (OrtException e) {
          if (settings.device() == EmbeddingSettings.Device.CUDA) throw e;
          log.warn("CUDA is listed by ONNX Runtime but could not be used ({}); embedding on CPU", e.getMessage());
        }
      } else if (settings.device() == EmbeddingSettings.Device.CUDA) {
        throw new SettingException(EmbeddingSettings.DEVICE,
            "cuda was asked for but this ONNX Runtime has no CUDA provider (build with -Pgpu-cuda13 or -Pgpu on a machine with CUDA)");
      }
      if (session == null) session = environment.createSession(weights, options(settings, false));
      EmbeddingSettings resolved = settings.resolvedFor(device.equals("cuda"));
      Embedder embedder = new Embedder(resolved, tokenizer, environment, session, device);
      log.info("embedding: all-MiniLM-L6-v2 {} on {} ({} parallel runs, batch {})",
          settings.modelFile() != null ? settings.modelFile() : settings.model().name().toLowerCase(),
          device, resolved.parallelRuns(), resolved.batchSize());
      return embedder;
    } catch (OrtException e) {
      tokenizer.close();
      throw new IllegalStateException("cannot load the embedding model: " + e.getMessage(), e);
    }
  }

  /** The device the model runs on: {@code cpu} or {@code cuda}. */
  public String device() {
    return device;
  }

  /** The settings it runs with: defaults resolved for its device. */
  public EmbeddingSettings settings() {
    return settings;
  }

  public WordPieceTokenizer tokenizer() {
    return tokenizer;
  }

  public float[] embed(String text) {
    return embedAll(List.of(text)).getFirst();
  }

  /** One unit-length vector per text, in order. Texts over the window are truncated to 256 tokens. */
  public List<float[]> embedAll(List<String> texts) {
    if (texts.isEmpty()) return List.of();
    Encoding[] encodings = encode(texts);
    Integer[] order = new Integer[encodings.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));

    float[][] vectors = new float[texts.size()][];
    List<Future<?>> runs = new ArrayList<>();
    for (int start = 0; start < order.length; start += settings.batchSize()) {
      Integer[] batch = Arrays.copyOfRange(order, start, Math.min(order.length, start + settings.batchSize()));
      runs.add(workers.submit(() -> {
        run(encodings, batch, vectors);
        return null;
      }));
    }
    for (Future<?> run : runs) {
      try {
        run.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while embedding", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("embedding failed: " + e.getCause().getMessage(), e.getCause());
      }
    }
    return Arrays.asList(vectors);
  }

  /**
   * Tokenized in slices on the common pool: the tokenizer itself is fast, but turning its output
   * into Java objects is not, and a GPU embeds faster than one thread can feed it.
   */
  private Encoding[] encode(List<String> texts) {
    if (texts.size() <= TOKENIZE_SLICE) return tokenizer.encodeForModel(texts);
    Encoding[] encodings = new Encoding[texts.size()];
    IntStream.range(0, (texts.size() + TOKENIZE_SLICE - 1) / TOKENIZE_SLICE).parallel().forEach(slice -> {
      int from = slice * TOKENIZE_SLICE;
      Encoding[] part = tokenizer.encodeForModel(texts.subList(from, Math.min(texts.size(), from + TOKENIZE_SLICE)));
      System.arraycopy(part, 0, encodings, from, part.length);
    });
    return encodings;
  }

  private void run(Encoding[] encodings, Integer[] batch, float[][] into) throws OrtException {
    int rows = batch.length;
    int width = 0;
    for (int i : batch) width = Math.max(width, encodings[i].getIds().length);
    long[] ids = new long[rows * width];
    long[] mask = new long[rows * width];
    long[] types = new long[rows * width];
    for (int r = 0; r < rows; r++) {
      Encoding encoding = encodings[batch[r]];
      long[] tokenIds = encoding.getIds();
      System.arraycopy(tokenIds, 0, ids, r * width, tokenIds.length);
      Arrays.fill(mask, r * width, r * width + tokenIds.length, 1L);
      System.arraycopy(encoding.getTypeIds(), 0, types, r * width, tokenIds.length);
    }
    long[] shape = {rows, width};
    try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
         OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
         OnnxTensor typeTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape)) {
      Map<String, OnnxTensor> inputs = takesTokenTypes
          ? Map.of("input_ids", idTensor, "attention_mask", maskTensor, "token_type_ids", typeTensor)
          : Map.of("input_ids", idTensor, "attention_mask", maskTensor);
      // Only the pooled, normalised vectors leave the runtime (see PooledGraph).
      try (OrtSession.Result result = session.run(inputs, POOLED)) {
        FloatBuffer pooled = ((OnnxTensor) result.get(0)).getFloatBuffer();
        for (int r = 0; r < rows; r++) {
          float[] vector = new float[DIMENSIONS];
          pooled.get(r * DIMENSIONS, vector);
          into[batch[r]] = vector;
        }
      }
    }
  }

  private static OrtSession.SessionOptions options(EmbeddingSettings settings, boolean cuda) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    if (cuda) options.addCUDA(0);
    return options;
  }

  private static boolean cudaAvailable() {
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  private static byte[] readFile(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + file, e);
    }
  }

  private static byte[] readResource(String name) {
    try (InputStream in = Embedder.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("model resource " + name + " is not on the classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + name, e);
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
    try {
      session.close();
    } catch (OrtException e) {
      log.warn("closing the embedding session failed", e);
    }
    tokenizer.close();
  }
}
