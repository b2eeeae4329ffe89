package dev.opentier.curation;

import java.time.Duration;

/**
 * Exponential back-off for failures that repeat: the first waits {@code initial}, each one after
 * it twice as long up to {@code max}; a failure after a quiet spell of {@code max} starts over.
 * Thread-safe.
 */
final class BackOff {
  private final Duration initial;
  private final Duration max;
  private Duration current;
  private long lastNanos;

  BackOff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  synchronized Duration next() {
    long now = System.nanoTime();
    boolean quiet = current == null || now - lastNanos > max.toNanos() + current.toNanos();
    current = quiet ? initial : (current.multipliedBy(2).compareTo(max) > 0 ? max : current.multipliedBy(2));
    lastNanos = now;
    return current;
  }
}
