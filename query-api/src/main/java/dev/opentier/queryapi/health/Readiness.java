package dev.opentier.queryapi.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the components the gateway depends on answer right now. The checks run in parallel,
 * each bounded by the same timeout, so {@code /ready} answers within about that timeout. A report is
 * reused for {@link #FRESH} and concurrent callers share the one being made, so anonymous calls to
 * {@code /ready} cannot make the gateway hammer its database, broker and intelligence.
 */
public final class Readiness implements AutoCloseable {
  /** A dependency's probe: true when it answered within the timeout. */
  @FunctionalInterface
  public interface Probe {
    boolean isUp(Duration timeout) throws Exception;
  }

  public record Check(String name, Probe probe) {}

  public enum Status { UP, DOWN }

  /** The outcome of all checks, in the order they were declared. */
  public record Report(Map<String, Status> components) {
    public boolean allUp() {
      return components.values().stream().allMatch(Status.UP::equals);
    }
  }

  private final Duration timeout;
  private final List<Check> checks;
  static final Duration FRESH = Duration.ofSeconds(1);

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private Report last;
  private long lastAt;

  public Readiness(Duration timeout, List<Check> checks) {
    this.timeout = timeout;
    this.checks = List.copyOf(checks);
  }

  public synchronized Report check() {
    if (last != null && System.nanoTime() - lastAt < FRESH.toNanos()) return last;
    last = probe();
    lastAt = System.nanoTime();
    return last;
  }

  private Report probe() {
    Map<String, Future<Boolean>> running = new LinkedHashMap<>();
    for (Check check : checks) {
      running.put(check.name(), executor.submit(() -> check.probe().isUp(timeout)));
    }
    long deadline = System.nanoTime() + timeout.plusMillis(500).toNanos();
    Map<String, Status> components = new LinkedHashMap<>();
    running.forEach((name, future) -> components.put(name, outcome(future, deadline)));
    return new Report(components);
  }

  private static Status outcome(Future<Boolean> future, long deadlineNanos) {
    try {
      long left = Math.max(0, deadlineNanos - System.nanoTime());
      return future.get(left, TimeUnit.NANOSECONDS) ? Status.UP : Status.DOWN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.DOWN;
    } catch (TimeoutException e) {
      future.cancel(true);
      return Status.DOWN;
    } catch (Exception e) {
      return Status.DOWN;
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
