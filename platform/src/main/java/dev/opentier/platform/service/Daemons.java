package dev.opentier.platform.service;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Background timers (heartbeats, expiry, watchdogs): one named daemon thread, so none keeps a process alive. */
public final class Daemons {
  private Daemons() {}

  public static ScheduledExecutorService scheduler(String threadName) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, threadName);
      thread.setDaemon(true);
      return thread;
    });
  }
}
