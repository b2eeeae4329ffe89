package dev.opentier.platform.service;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process opened while starting, closed in reverse order on stop or on a failed start.
 * Not thread-safe: used by the thread that starts and stops the process.
 */
public final class Resources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Resources.class);

  private final List<AutoCloseable> opened = new ArrayList<>();

  /** Registers a resource and returns it, so opening and registering is one expression. */
  public <T extends AutoCloseable> T add(T resource) {
    opened.add(resource);
    return resource;
  }

  /** Closes everything, last opened first; a failure to close one is logged and the rest still close. */
  @Override
  public void close() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed", opened.get(i), e);
      }
    }
    opened.clear();
  }
}
