package dev.opentier.curation.dedup;

import dev.opentier.platform.pipeline.Hashes;
import dev.opentier.curation.Work;
import dev.opentier.curation.curate.CurationRecord;
import dev.opentier.platform.kafka.JsonSerde;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.platform.pipeline.ProgressEvent.Outcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Exact and near-duplicate detection against everything indexed, in Kafka Streams state stores
 * (RocksDB with changelogs: they survive restarts and are split by partition like the documents).
 *
 * <p>A document is a set of keys: its exact key (the hash of its normalised text) and, for near
 * duplicates, its {@link MinHash} band keys, each scoped to who may see it (visibility and
 * owner: a private document is never the canonical copy of someone else's). Three processors:
 * <ol>
 *   <li><b>probe</b> (keyed by document): parks the document in {@code dedup-pending} and sends a
 *       PROBE with its keys, one message per partition they live on (at most one per partition);
 *   <li><b>bands</b> (keyed by band): compares the probe with the documents registered under that
 *       key, registers it, and ANSWERs with the best earlier match; a later-submitted match is
 *       DISPLACEd instead (the earlier document is the canonical one, whatever the arrival order);
 *   <li><b>verdict</b> (keyed by document, co-partitioned with probe and sharing its stores): counts
 *       answers and replies; when all are in, the document goes on as unique, or concludes as a
 *       duplicate of its best match and is taken out of its bands.
 * </ol>
 * A duplicate's canonical document is always submitted earlier, so duplicates never form a
 * cycle and a duplicate is never lost with its canonical copy: deleting or changing that copy
 * submits its duplicates again (see DocumentIndex).
 */
public final class Deduplication {
  public static final String PENDING_STORE = "dedup-pending";
  public static final String STATE_STORE = "dedup-state";
  public static final String BANDS_STORE = "dedup-bands";
  /** A band with more members than this is only partly compared (such bands hold near-identical boilerplate). */
  private static final int MAX_BAND_SCAN = 10_000;

  private final boolean exact;
  private final boolean near;
  private final double threshold;
  private final int bandPartitions;

  /**
   * @param bandPartitions the partitions of {@code opentier.curation.bands}: a document's keys are
   *     grouped by the partition they hash to, one message per group
   */
  public Deduplication(boolean exact, boolean near, double threshold, int bandPartitions) {
    if (bandPartitions < 1) throw new IllegalArgumentException("bandPartitions must be positive");
    this.exact = exact;
    this.near = near;
    this.threshold = threshold;
    this.bandPartitions = bandPartitions;
  }

  /**
   * The keys grouped by the partition the producer's default partitioner sends each to (murmur2 of
   * the key, as for every keyed record), in a stable order. A group's message is keyed by its first
   * key, so it lands where all of its keys live.
   */
  List<List<String>> byPartition(List<String> keys) {
    TreeMap<Integer, List<String>> groups = new TreeMap<>();
    for (String key : keys) {
      int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % bandPartitions;
      groups.computeIfAbsent(partition, p -> new ArrayList<>()).add(key);
    }
    return List.copyOf(groups.values());
  }

  public static List<StoreBuilder<KeyValueStore<String, ?>>> stores() {
    return List.of(
        store(PENDING_STORE, Work.Pending.class),
        store(STATE_STORE, DedupState.class),
        store(BANDS_STORE, BandEntry.class));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static StoreBuilder<KeyValueStore<String, ?>> store(String name, Class<?> type) {
    // Cached: a document's state changes once per band answer; the cache writes it to RocksDB and
    // the changelog once per commit instead.
    return (StoreBuilder) Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), new JsonSerde<>(type))
        .withCachingEnabled();
  }

  private static final StringSerializer KEYS = new StringSerializer();

  public static final JsonSerde<DedupMessage> MESSAGES = new JsonSerde<>(DedupMessage.class);

  public ProcessorSupplier<String, Work, String, Routed> probe() {
    return Probe::new;
  }

  public ProcessorSupplier<String, DedupMessage, String, Routed> bands() {
    return Bands::new;
  }

  public ProcessorSupplier<String, DedupMessage, String, Routed> verdicts() {
    return Verdicts::new;
  }

  /** The hash of a normalised text: the exact-duplicate key. */
  public static String textHash(String text) {
    return Hashes.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String scope(DocumentEvent event) {
    return event.visibility().name().toLowerCase(Locale.ROOT) + ":" + (event.ownerId() == null ? "-" : event.ownerId());
  }

  private final class Probe implements Processor<String, Work, String, Routed> {
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, Work.Pending> pending;
    private KeyValueStore<String, DedupState> states;

    @Override
    public void init(ProcessorContext<String, Routed> context) {
      this.context = context;
      this.pending = context.getStateStore(PENDING_STORE);
      this.states = context.getStateStore(STATE_STORE);
    }

    @Override
    public void process(Record<String, Work> record) {
      Work work = record.value();
      String id = record.key();
      boolean judged = work.event() != null && !work.concluded() && !work.event().isDelete() && (exact || near);
      if (work.event() != null && (judged || work.event().isDelete() || work.outcome() == Outcome.REJECTED)) {
        supersedePending(record, id);
        unregister(record, id);
      }
      if (!judged) {
        context.forward(record.withValue(Routed.work(work)));
        return;
      }
      String text = work.parsed().text();
      String textHash = textHash(text);
      byte[] signature = near ? MinHash.toBytes(MinHash.signature(text)) : null;
      List<String> keys = new ArrayList<>();
      String scope = scope(work.event());
      if (exact) keys.add(scope + "/x:" + textHash);
      if (near) MinHash.bands(MinHash.fromBytes(signature)).forEach(band -> keys.add(scope + "/" + band));
      String version = work.event().contentHash();
      long order = work.event().submittedAt() == null ? record.timestamp() : work.event().submittedAt().toEpochMilli();
      List<List<String>> groups = byPartition(keys);
      states.put(id, DedupState.pending(version, order, keys, groups.size()));
      pending.put(id, work.withCuration(work.curation().withTextHash(textHash)).pending());
      for (List<String> group : groups) {
        context.forward(new Record<>(group.getFirst(), Routed.message(DedupMessage.probe(id, version, order, textHash, signature, group)),
            record.timestamp()));
      }
    }

    /** An older version still waiting for its verdict is overtaken: it concludes, the newer one is judged. */
    private void supersedePending(Record<String, Work> record, String id) {
      Work.Pending waiting = pending.delete(id);
      if (waiting == null) return;
      context.forward(record.withValue(Routed.work(waiting.work().conclude(Outcome.UNCHANGED, "dedup", "superseded by a newer version"))));
    }

    /** The document's previous version leaves its bands. */
    private void unregister(Record<String, Work> record, String id) {
      DedupState previous = states.delete(id);
      if (previous == null || previous.status() == DedupState.Status.DUPLICATE) return;
      for (List<String> group : byPartition(previous.bands())) {
        context.forward(new Record<>(group.getFirst(), Routed.message(DedupMessage.remove(id, previous.version(), group)), record.timestamp()));
      }
    }
  }

  private final class Bands implements Processor<String, DedupMessage, String, Routed> {
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, BandEntry> members;

    @Override
    public void init(ProcessorContext<String, Routed> context) {
      this.context = context;
      this.members = context.getStateStore(BANDS_STORE);
    }

    @Override
    public void process(Record<String, DedupMessage> record) {
      DedupMessage message = record.value();
      if (message.type() == DedupMessage.Type.REMOVE) {
        for (String band : message.bands()) {
          String key = band + '\u0000' + message.documentId();
          BandEntry entry = members.get(key);
          if (entry != null && entry.version().equals(message.version())) members.delete(key);
        }
        return;
      }
      int[] signature = message.signature() == null ? null : MinHash.fromBytes(message.signature());
      DedupMessage.Candidate best = null;
      int displaced = 0;
      Set<String> told = new HashSet<>(); // a later match is displaced once, not once per shared band
      BandEntry self = new BandEntry(message.documentId(), message.version(), message.order(), message.textHash(), message.signature());
      for (String band : message.bands()) {
        boolean exactBand = band.contains("/x:");
        int scanned = 0;
        try (KeyValueIterator<String, BandEntry> iterator = members.prefixScan(band + '\u0000', KEYS)) {
          while (iterator.hasNext() && scanned++ < MAX_BAND_SCAN) {
            BandEntry other = iterator.next().value;
            if (other.documentId().equals(message.documentId())) continue;
            boolean same = message.textHash().equals(other.textHash());
            double similarity = same ? 1.0 : signature == null || other.signature() == null || exactBand
                ? 0 : MinHash.similarity(signature, MinHash.fromBytes(other.signature()));
            if (!same && (!near || similarity < threshold)) continue;
            if (other.precedes(message)) {
              best = DedupMessage.Candidate.better(best, new DedupMessage.Candidate(other.documentId(), similarity, same));
            } else if (told.add(other.documentId())) {
              displaced++;
              context.forward(new Record<>(other.documentId(), Routed.message(DedupMessage.displace(
                  other.documentId(), other.version(), message.documentId(), message.version(), similarity, same)), record.timestamp()));
            }
          }
        }
        members.put(band + '\u0000' + message.documentId(), self);
      }
      context.forward(new Record<>(message.documentId(),
          Routed.message(DedupMessage.answer(message.documentId(), message.version(), best, displaced)), record.timestamp()));
    }
  }

  private final class Verdicts implements Processor<String, DedupMessage, String, Routed> {
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, Work.Pending> pending;
    private KeyValueStore<String, DedupState> states;

    @Override
    public void init(ProcessorContext<String, Routed> context) {
      this.context = context;
      this.pending = context.getStateStore(PENDING_STORE);
      this.states = context.getStateStore(STATE_STORE);
    }

    @Override
    public void process(Record<String, DedupMessage> record) {
      String id = record.key();
      DedupMessage message = record.value();
      DedupState state = states.get(id);
      switch (message.type()) {
        case ANSWER -> {
          if (state != null && state.awaits(message.version())) conclude(record, id, state.answered(message));
        }
        case REPLY -> {
          if (state != null && state.awaits(message.version())) conclude(record, id, state.replied(message));
        }
        case DISPLACE -> {
          // An earlier-submitted document resembles this one. Still judging: it becomes the best
          // candidate. Already indexed: the earlier one is told to be this one's duplicate.
          DedupMessage.Candidate answer = null;
          if (state != null && state.version().equals(message.version())) {
            if (state.status() == DedupState.Status.PENDING) {
              states.put(id, state.displacedBy(new DedupMessage.Candidate(message.from(), message.similarity(), message.exact())));
            } else if (state.status() == DedupState.Status.UNIQUE) {
              answer = new DedupMessage.Candidate(id, message.similarity(), message.exact());
            }
          }
          context.forward(new Record<>(message.from(), Routed.message(DedupMessage.reply(message.from(), message.fromVersion(), answer)), record.timestamp()));
        }
        default -> throw new IllegalArgumentException("a " + message.type() + " message does not go to a document");
      }
    }

    private void conclude(Record<String, DedupMessage> record, String id, DedupState state) {
      if (!state.complete()) {
        states.put(id, state);
        return;
      }
      DedupState verdict = state.concluded();
      states.put(id, verdict);
      Work.Pending waiting = pending.delete(id);
      if (waiting == null) return; // (cannot happen: the state and the parked document change together)
      Work work = waiting.work();
      double millis = System.currentTimeMillis() - state.probedAtMillis();
      DedupMessage.Candidate canonical = verdict.candidate();
      if (canonical == null) {
        context.forward(new Record<>(id, Routed.work(work.withCuration(work.curation().withStage("dedup", "unique", millis))), record.timestamp()));
        return;
      }
      for (List<String> group : byPartition(verdict.bands())) {
        context.forward(new Record<>(group.getFirst(), Routed.message(DedupMessage.remove(id, verdict.version(), group)), record.timestamp()));
      }
      String stage = canonical.exact() ? "exact-dedup" : "near-dedup";
      String reason = canonical.exact()
          ? "exact duplicate of " + canonical.documentId()
          : String.format(Locale.ROOT, "near duplicate of %s (similarity %.2f)", canonical.documentId(), canonical.similarity());
      CurationRecord curation = work.curation().withStage("dedup", canonical.exact() ? "exact duplicate" : "near duplicate", millis)
          .withDuplicateOf(canonical.documentId(), canonical.similarity());
      context.forward(new Record<>(id, Routed.work(work.withCuration(curation).conclude(Outcome.DUPLICATE, stage, reason)), record.timestamp()));
    }
  }
}
