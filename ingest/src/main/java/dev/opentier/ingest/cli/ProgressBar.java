package dev.opentier.ingest.cli;

import dev.opentier.ingest.job.JobProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The CLI's live progress on a terminal: documents/s, bytes/s and, while waiting for the
 * pipeline, the share concluded and an ETA. Off a terminal it prints nothing (logs stay clean).
 */
final class ProgressBar {
  private final PrintStream out;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private long lastDraw;
  private long waitStarted;

  ProgressBar(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void submitted(int documents, long bytes) {
    if (!due()) return;
    double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
    draw(String.format(Locale.ROOT, "submitting: %,d documents, %s  (%.0f docs/s, %s/s)",
        documents, bytes(bytes), documents / seconds, bytes((long) (bytes / seconds))));
  }

  void finishSubmitting() {
    if (terminal) out.print("\r\033[K");
    waitStarted = System.nanoTime();
  }

  void concluded(JobProgress progress) {
    if (!due()) return;
    int done = progress.concluded();
    int total = Math.max(1, progress.expected());
    double seconds = Math.max(0.001, (System.nanoTime() - waitStarted) / 1e9);
    double rate = done / seconds;
    String eta = rate > 0 && done < total ? String.format(Locale.ROOT, ", ETA %.0f s", (total - done) / rate) : "";
    int width = 30;
    int filled = (int) Math.min(width, (long) width * done / total);
    draw(String.format(Locale.ROOT, "[%s%s] %,d/%,d  %.1f docs/s%s  failed %d",
        "#".repeat(filled), ".".repeat(width - filled), done, total, rate, eta, progress.failed()));
  }

  void finishWaiting() {
    if (terminal) out.print("\r\033[K");
  }

  private boolean due() {
    long now = System.nanoTime();
    if (!terminal || now - lastDraw < 200_000_000L) return false;
    lastDraw = now;
    return true;
  }

  private void draw(String line) {
    out.print("\r\033[K" + line);
    out.flush();
  }

  static String bytes(long bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
