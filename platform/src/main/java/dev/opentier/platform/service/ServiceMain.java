package dev.opentier.platform.service;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.db.Migrations.SchemaNotCurrentException;
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

  /** Starts a service; the returned resource is closed by a shutdown hook. */
  @FunctionalInterface
  public interface Startup {
    AutoCloseable start() throws Exception;
  }

  private ServiceMain() {}

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
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("{} stopping", service);
      try {
        running.close();
      } catch (Exception e) {
        log.warn("{} did not stop cleanly", service, e);
      }
    }, service + "-shutdown"));
  }
}
