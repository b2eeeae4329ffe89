package dev.opentier.queryapi.documents;

import dev.opentier.platform.service.Daemons;
import dev.opentier.ingest.job.CrawlQueue;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.source.WebSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's crawl workers: a fixed number of threads that lease crawls from
 * {@link CrawlQueue} (any gateway's, in PostgreSQL) and run them, renewing the lease while they
 * crawl. A gateway that stops hands its crawls back; one that dies leaves leases that run out, and
 * another gateway's worker takes those crawls again.
 */
public final class CrawlWorkers implements AutoCloseable {
  public static final String WORKERS = "OPENTIER_CRAWL_WORKERS";
  private static final Logger log = LoggerFactory.getLogger(CrawlWorkers.class);

  private final CrawlQueue queue;
  private final Ingestion ingestion;
  private final Duration lease;
  private final Duration poll;
  private final List<Thread> threads = new ArrayList<>();
  private final ScheduledExecutorService renewals;
  private final Object wake = new Object();
  private volatile boolean closing;

  /**
   * @param lease how long a lease lasts unless renewed (renewed every third of it)
   * @param poll how often an idle worker looks for a crawl (a crawl queued by this gateway wakes one at once)
   */
  public CrawlWorkers(CrawlQueue queue, Ingestion ingestion, int workers, Duration lease, Duration poll, String gateway) {
    this.queue = queue;
    this.ingestion = ingestion;
    this.lease = lease;
    this.poll = poll;
    this.renewals = Daemons.scheduler("crawl-lease-renewal");
    for (int i = 0; i < workers; i++) {
      String name = gateway + "#" + i;
      Thread thread = new Thread(() -> work(name), "crawl-worker-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
  }

  /** A name for this gateway's workers in the queue: its host and port. */
  public static String gatewayName(int port) {
    try {
      return InetAddress.getLocalHost().getHostName() + ":" + port + ":" + UUID.randomUUID().toString().substring(0, 8);
    } catch (UnknownHostException e) {
      return "gateway:" + port + ":" + UUID.randomUUID().toString().substring(0, 8);
    }
  }

  public CrawlWorkers start() {
    threads.forEach(Thread::start);
    return this;
  }

  /** A crawl was queued here: an idle worker looks now instead of at its next poll. */
  public void wake() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private void work(String worker) {
    while (!closing) {
      Optional<CrawlQueue.Lease> next;
      try {
        next = queue.lease(worker, lease);
      } catch (RuntimeException e) {
        log.warn("could not look for crawls to run (trying again): {}", e.getMessage());
        next = Optional.empty();
      }
      if (next.isPresent()) {
        run(worker, next.get());
        continue;
      }
      synchronized (wake) {
        try {
          if (!closing) wake.wait(poll.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void run(String worker, CrawlQueue.Lease crawl) {
    UUID job = crawl.job();
    long every = Math.max(1, lease.toMillis() / 3);
    ScheduledFuture<?> renewal = renewals.scheduleWithFixedDelay(() -> {
      try {
        if (!queue.renew(job, worker, lease)) log.warn("crawl job {}: lease lost; another worker may run it", job);
      } catch (RuntimeException e) {
        log.warn("crawl job {}: could not renew the lease: {}", job, e.getMessage());
      }
    }, every, every, TimeUnit.MILLISECONDS);
    try {
      if (crawl.attempt() > 1) log.info("crawl job {}: attempt {} (an earlier worker stopped)", job, crawl.attempt());
      ingestion.submitInto(job, new WebSource(crawl.url(), crawl.crawl()), crawl.options(), (documents, bytes) -> {});
      renewal.cancel(false);
      queue.done(job, worker);
    } catch (Exception e) {
      renewal.cancel(false);
      if (closing) {
        queue.release(job, worker); // another gateway takes it
        return;
      }
      log.info("crawl job {} failed: {}", job, e.getMessage()); // the job row says so too
      queue.done(job, worker);
    }
  }

  @Override
  public void close() {
    closing = true;
    wake();
    threads.forEach(Thread::interrupt);
    renewals.shutdownNow();
  }
}
