package dev.opentier.curation.parse;

import dev.opentier.platform.service.Daemons;
import dev.opentier.curation.PassingFailure;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses in worker processes ({@link ParseWorkerMain}), a pool of them, each with its own heap:
 * a parser that never returns is really stopped (its process is killed at the time limit plus a
 * grace period) and one that needs more memory than its heap ends its own process, never the
 * pipeline's. Either way the document fails with the reason, and a fresh worker takes the next one.
 *
 * <p>Protocol, over the worker's standard input and output: the worker first writes {@link #READY};
 * each request is the name, media type and title (each a present flag and UTF-8 bytes) and the
 * content (length and bytes); each answer is a kind byte, then the parsed document in its held form
 * ({@link ParsedDocument#toHeld()}) or the reason, then whether the worker is exiting.
 */
public final class IsolatedParser implements DocumentParsing {
  private static final Logger log = LoggerFactory.getLogger(IsolatedParser.class);
  static final int READY = 'R';
  static final int PARSED = 0;
  static final int FAILED = 1;
  static final int NOTHING_USABLE = 2;
  /** The exit status of a JVM that stopped on {@code -XX:+ExitOnOutOfMemoryError}. */
  private static final int OUT_OF_MEMORY_EXIT = 3;
  /** Time a worker gets beyond the parse limit (its own check normally answers first; a fresh one loads Tika). */
  private static final long GRACE_MILLIS = 30_000;

  private final DocumentParser.Limits limits;
  private final int heapMb;
  private final List<String> command;
  private final BlockingQueue<Worker> idle;
  private final List<Worker> all = new ArrayList<>();
  private final ScheduledExecutorService watchdog;
  private final AtomicLong stopped = new AtomicLong();

  public IsolatedParser(DocumentParser.Limits limits, int workers, int heapMb) {
    this.limits = limits;
    this.heapMb = heapMb;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    this.command = List.of(java, "-Xmx" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
        "-Djava.awt.headless=true",
        "-cp", System.getProperty("java.class.path"), ParseWorkerMain.class.getName(),
        Long.toString(limits.maxBytes()), Integer.toString(limits.maxChars()), Long.toString(limits.timeout().toMillis()));
    this.idle = new ArrayBlockingQueue<>(workers);
    for (int i = 0; i < workers; i++) {
      Worker worker = new Worker(i);
      all.add(worker);
      idle.add(worker);
    }
    this.watchdog = Daemons.scheduler("parse-watchdog");
  }

  /** How many worker processes were stopped because a parse did not end in time or ran out of memory. */
  public long stopped() {
    return stopped.get();
  }

  @Override
  public ParsedDocument parse(byte[] content, String name, String mediaTypeHint, String titleHint) throws ParseException {
    // (what curation held is OpenTier's own JSON: no need for a worker)
    ParsedDocument held = DocumentParser.beforeParsing(content, mediaTypeHint, limits);
    if (held != null) return held;
    Worker worker;
    try {
      worker = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ParseException("interrupted while waiting for a parse worker", e);
    }
    try {
      return worker.parse(new Request(name, mediaTypeHint, titleHint, content));
    } finally {
      idle.add(worker);
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    for (Worker worker : all) worker.stop();
  }

  record Request(String name, String mediaType, String title, byte[] content) {
    void write(DataOutputStream out) throws IOException {
      writeNullable(out, name);
      writeNullable(out, mediaType);
      writeNullable(out, title);
      out.writeInt(content.length);
      out.write(content);
    }

    static Request read(DataInputStream in) throws IOException {
      String name = readNullable(in);
      String mediaType = readNullable(in);
      String title = readNullable(in);
      byte[] content = new byte[in.readInt()];
      in.readFully(content);
      return new Request(name, mediaType, title, content);
    }
  }

  static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static String readString(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void writeNullable(DataOutputStream out, String value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) writeString(out, value);
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }

  /** One worker process, started when first needed and again after it ended; used by one parse at a time. */
  private final class Worker {
    private final int number;
    private Process process;
    private DataOutputStream requests;
    private DataInputStream answers;

    Worker(int number) {
      this.number = number;
    }

    ParsedDocument parse(Request request) throws ParseException {
      start();
      AtomicBoolean overran = new AtomicBoolean();
      Process running = process;
      ScheduledFuture<?> kill = watchdog.schedule(() -> {
        overran.set(true);
        running.destroyForcibly();
      }, limits.timeout().toMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS);
      try {
        request.write(requests);
        requests.flush();
        int kind = answers.readUnsignedByte();
        byte[] held = null;
        String reason = null;
        if (kind == PARSED) {
          held = new byte[answers.readInt()];
          answers.readFully(held);
        } else {
          reason = readString(answers);
        }
        if (answers.readBoolean()) {
          // a parse in it overran the time limit without noticing: the worker ends itself, and with it that thread
          stopped.incrementAndGet();
          running.waitFor(10, TimeUnit.SECONDS);
        }
        if (held != null) return ParsedDocument.fromHeld(held, limits.maxChars());
        throw kind == NOTHING_USABLE ? ParseException.nothingUsable(reason) : new ParseException(reason);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ParseException("interrupted while parsing", e);
      } catch (IOException e) {
        throw ended(running, overran.get());
      } finally {
        kill.cancel(false);
        if (!running.isAlive() || overran.get()) stop();
      }
    }

    /** Why the worker's answer did not come: it was stopped at the time limit, ran out of memory, or died. */
    private ParseException ended(Process running, boolean overran) {
      stopped.incrementAndGet();
      if (overran) {
        return new ParseException("parsing did not end within " + limits.timeout().toSeconds() + " s (OPENTIER_PARSE_TIMEOUT_SECONDS); its worker process was stopped");
      }
      int exit;
      try {
        exit = running.waitFor(10, TimeUnit.SECONDS) ? running.exitValue() : -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exit = -1;
      }
      if (exit == OUT_OF_MEMORY_EXIT) {
        return new ParseException("parsing needed more memory than a parse worker's " + heapMb + " MB (OPENTIER_PARSE_WORKER_HEAP_MB)");
      }
      return new ParseException("the parse worker ended while parsing (exit status " + exit + ")");
    }

    private void start() {
      if (process != null && process.isAlive()) return;
      stop();
      try {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        process = builder.start();
        requests = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        answers = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        if (answers.read() != READY) throw new IOException("the parse worker did not start");
        log.debug("parse worker {} started (pid {})", number, process.pid());
      } catch (IOException e) {
        stop();
        // the machine, not the document: the stream thread backs off and tries the document again
        throw new PassingFailure("parse", e);
      }
    }

    void stop() {
      if (process != null) {
        process.destroyForcibly();
        process = null;
      }
    }
  }
}
