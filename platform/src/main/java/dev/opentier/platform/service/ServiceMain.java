package dev.opentier.platform.service;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.db.Migrations.SchemaNotCurrentException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The shape of every OpenTier process's {@code main}: start, and on a configuration problem print
 * one line naming the setting and exit non-zero instead of a stack trace.
 */
public final class ServiceMain {
  /** Exit status for misconfiguration (a setting, or what it points at, is unusable). */
  public static final int EXIT_MISCONFIGURED = 2;

  /** Starts a service; the returned resource is closed when the process is asked to stop. */
  @FunctionalInterface
  public interface Startup {
    AutoCloseable start() throws Exception;
  }

  private ServiceMain() {}

  /**
   * Starts the service and blocks until the process is asked to stop (SIGTERM, SIGINT), then
   * closes what {@code startup} returned. Misconfiguration exits with {@link #EXIT_MISCONFIGURED}.
   */
  public static void run(String service, Startup startup) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    Logger log = LoggerFactory.getLogger(service);
    AutoCloseable running;
    try {
      running = startup.start();
    } catch (SettingException | SchemaNotCurrentException e) {
      System.err.println("opentier " + service + ": " + e.getMessage());
      log.error("{} refused to start: {}", service, e.getMessage());
      System.exit(EXIT_MISCONFIGURED);
      return;
    } catch (Exception e) {
      System.err.println("opentier " + service + ": failed to start: " + e);
      log.error("{} failed to start", service, e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("{} stopping", service);
      try {
        running.close();
      } catch (Exception e) {
        log.warn("{} did not stop cleanly", service, e);
      } finally {
        stopped.countDown();
      }
    }, service + "-shutdown"));
    // Some servers (gRPC's Netty) run on daemon threads only: keep the process alive until stopped.
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs a one-shot command (no server): misconfiguration prints one line and exits with
   * {@link #EXIT_MISCONFIGURED}, any other failure exits 1.
   */
  public static void runCommand(String command, Startup work) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    try (AutoCloseable ignored = work.start()) {
      // done
    } catch (SettingException | SchemaNotCurrentException e) {
      System.err.println("opentier " + command + ": " + e.getMessage());
      System.exit(EXIT_MISCONFIGURED);
    } catch (Exception e) {
      System.err.println("opentier " + command + ": failed: " + e);
      System.exit(1);
    }
  }
}
