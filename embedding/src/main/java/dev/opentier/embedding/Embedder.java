package dev.opentier.embedding;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentence embeddings with all-MiniLM-L6-v2 (384 dimensions, unit length): ONNX Runtime over the
 * model's full 256-token window, mean pooling over real tokens, L2 normalisation (both inside the
 * model's graph: {@link PooledGraph}).
 *
 * <p>Texts are grouped by token length before batching so padding stays small; batches run in
 * parallel, each ONNX run on one thread (measured steadier and faster on CPU than one shared
 * intra-op pool). On CUDA each parallel run has a session of its own by default (measured faster
 * for the fp32 model at the full window; see {@link EmbeddingSettings#resolvedFor}).
 * Thread-safe: any number of callers may embed at once; runs queue for the workers.
 */
public final class Embedder implements AutoCloseable {
  public static final int DIMENSIONS = 384;
  private static final Set<String> POOLED = Set.of(PooledGraph.OUTPUT);
  private static final int GROUP_BATCHES = 16;
  private static final int BUDGET_WIDTH = 128;
  private static final Logger log = LoggerFactory.getLogger(Embedder.class);

  private final EmbeddingSettings settings;
  private final WordPieceTokenizer tokenizer;
  private final OrtEnvironment environment;
  private final List<OrtSession> sessions;
  private final ThreadLocal<OrtSession> workerSession;
  private final ExecutorService workers;
  private final String device;
  private final boolean takesTokenTypes;

  private Embedder(EmbeddingSettings settings, WordPieceTokenizer tokenizer, OrtEnvironment environment,
                   List<OrtSession> sessions, String device) {
    this.settings = settings;
    this.tokenizer = tokenizer;
    this.environment = environment;
    this.sessions = sessions;
    this.device = device;
    this.takesTokenTypes = sessions.getFirst().getInputNames().contains("token_type_ids");
    AtomicInteger assigned = new AtomicInteger();
    this.workerSession = ThreadLocal.withInitial(() -> sessions.get(assigned.getAndIncrement() % sessions.size()));
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
      boolean cuda = false;
      if (settings.device() != EmbeddingSettings.Device.CPU && cudaAvailable()) {
        try {
          session = environment.createSession(weights, options(true));
          cuda = true;
        } catch (OrtException e) {
          if (settings.device() == EmbeddingSettings.Device.CUDA) throw e;
          log.warn("CUDA is listed by ONNX Runtime but could not be used ({}); embedding on CPU", e.getMessage());
        }
      } else if (settings.device() == EmbeddingSettings.Device.CUDA) {
        throw new SettingException(EmbeddingSettings.DEVICE,
            "cuda was asked for but this ONNX Runtime has no CUDA provider (build with -Pgpu-cuda13 or -Pgpu on a machine with CUDA)");
      }
      if (session == null) session = environment.createSession(weights, options(false));
      String device = cuda ? "cuda" : "cpu";
      EmbeddingSettings resolved = settings.resolvedFor(cuda);
      List<OrtSession> sessions = new ArrayList<>(List.of(session));
      try {
        while (sessions.size() < resolved.sessions()) {
          sessions.add(environment.createSession(weights, options(cuda)));
        }
      } catch (OrtException e) {
        closeAll(sessions);
        throw e;
      }
      Embedder embedder = new Embedder(resolved, tokenizer, environment, sessions, device);
      log.info("embedding: all-MiniLM-L6-v2 {} on {} ({} parallel runs over {} sessions, batch {})",
          settings.modelFile() != null ? settings.modelFile() : settings.model().name().toLowerCase(),
          device, resolved.parallelRuns(), resolved.sessions(), resolved.batchSize());
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
    // Tokenizing is pipelined with the runs: texts go in groups of similar character length, and a
    // group's batches start while the next group is tokenized. Within a group texts are sorted by
    // token count, which pads within 1% of a global sort (SciFact chunks, groups of 16 batches).
    Integer[] byLength = new Integer[texts.size()];
    for (int i = 0; i < byLength.length; i++) byLength[i] = i;
    Arrays.sort(byLength, Comparator.comparingInt(i -> texts.get(i).length()));
    int groupSize = GROUP_BATCHES * settings.batchSize();

    float[][] vectors = new float[texts.size()][];
    List<Future<?>> runs = new ArrayList<>();
    try {
      for (int from = 0; from < byLength.length; from += groupSize) {
        Integer[] group = Arrays.copyOfRange(byLength, from, Math.min(byLength.length, from + groupSize));
        long[][] ids = tokenizer.idsForModel(Arrays.stream(group).map(texts::get).toList());
        Integer[] byTokens = new Integer[group.length];
        for (int i = 0; i < byTokens.length; i++) byTokens[i] = i;
        Arrays.sort(byTokens, Comparator.comparingInt(i -> ids[i].length));
        for (int start = 0, rows; start < byTokens.length; start += rows) {
          rows = rowsFrom(ids, byTokens, start, settings.batchSize());
          long[][] batch = new long[rows][];
          int[] into = new int[rows];
          for (int r = 0; r < rows; r++) {
            batch[r] = ids[byTokens[start + r]];
            into[r] = group[byTokens[start + r]];
          }
          runs.add(workers.submit(() -> {
            run(batch, into, vectors);
            return null;
          }));
        }
      }
      for (Future<?> run : runs) run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while embedding", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("embedding failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      for (Future<?> run : runs) run.cancel(false); // no-ops once done; after a failure, the rest need not run
    }
    return Arrays.asList(vectors);
  }

  /**
   * Rows for the batch starting at {@code start} (texts in ascending token count): up to the batch
   * size, and no more than a batch of {@value #BUDGET_WIDTH}-token texts holds in all, so longer
   * texts make shorter batches and a run's memory stays bounded (attention grows with the square
   * of the width; fp32 batches of 256 × 256 tokens exhausted an H100's memory).
   */
  static int rowsFrom(long[][] ids, Integer[] byTokens, int start, int batchSize) {
    long budget = (long) batchSize * BUDGET_WIDTH;
    int rows = 1;
    while (start + rows < byTokens.length && rows < batchSize
        && (long) (rows + 1) * ids[byTokens[start + rows]].length <= budget) {
      rows++;
    }
    return rows;
  }

  /** One model run: {@code batch} holds token ids, whose vectors go to {@code into}'s positions. */
  private void run(long[][] batch, int[] into, float[][] vectors) throws OrtException {
    int rows = batch.length;
    int width = 0;
    for (long[] row : batch) width = Math.max(width, row.length);
    long[] ids = new long[rows * width];
    long[] mask = new long[rows * width];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(batch[r], 0, ids, r * width, batch[r].length);
      Arrays.fill(mask, r * width, r * width + batch[r].length, 1L);
    }
    long[] shape = {rows, width};
    // One sequence per text, so every token type is 0.
    try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
         OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
         OnnxTensor typeTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[rows * width]), shape)) {
      Map<String, OnnxTensor> inputs = takesTokenTypes
          ? Map.of("input_ids", idTensor, "attention_mask", maskTensor, "token_type_ids", typeTensor)
          : Map.of("input_ids", idTensor, "attention_mask", maskTensor);
      // Only the pooled, normalised vectors leave the runtime (see PooledGraph).
      try (OrtSession.Result result = workerSession.get().run(inputs, POOLED)) {
        FloatBuffer pooled = ((OnnxTensor) result.get(0)).getFloatBuffer();
        for (int r = 0; r < rows; r++) {
          float[] vector = new float[DIMENSIONS];
          pooled.get(r * DIMENSIONS, vector);
          vectors[into[r]] = vector;
        }
      }
    }
  }

  private static OrtSession.SessionOptions options(boolean cuda) throws OrtException {
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
    closeAll(sessions);
    tokenizer.close();
  }

  private static void closeAll(List<OrtSession> sessions) {
    for (OrtSession session : sessions) {
      try {
        session.close();
      } catch (OrtException e) {
        log.warn("closing an embedding session failed", e);
      }
    }
  }
}
