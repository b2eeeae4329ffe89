package dev.opentier.queryapi.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the pipeline's consumer group is behind, per topic and partition: the last committed
 * transaction's offset (read_committed, what the group can read) minus the group's committed
 * offset. Partitions of the documents topic the group has not committed yet count from their start.
 */
final class ConsumerLag {
  record PartitionLag(String topic, int partition, long committed, long end, long lag) {}

  record Lag(long total, List<PartitionLag> partitions) {}

  private final Admin admin;
  private final String group;
  private final String documentsTopic;

  ConsumerLag(Admin admin, String group, String documentsTopic) {
    this.admin = admin;
    this.group = group;
    this.documentsTopic = documentsTopic;
  }

  Lag measure() throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
    Map<TopicPartition, OffsetSpec> starts = new HashMap<>();
    committed.forEach((tp, offset) -> {
      if (offset != null) ends.put(tp, OffsetSpec.latest());
    });
    admin.describeTopics(List.of(documentsTopic)).allTopicNames().get(5, TimeUnit.SECONDS).get(documentsTopic).partitions()
        .forEach(p -> {
          TopicPartition tp = new TopicPartition(documentsTopic, p.partition());
          ends.put(tp, OffsetSpec.latest());
          if (committed.get(tp) == null) starts.put(tp, OffsetSpec.earliest());
        });
    ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
    var endOffsets = admin.listOffsets(ends, readCommitted).all().get(5, TimeUnit.SECONDS);
    var startOffsets = starts.isEmpty() ? Map.<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo>of()
        : admin.listOffsets(starts, readCommitted).all().get(5, TimeUnit.SECONDS);
    List<PartitionLag> partitions = new ArrayList<>();
    long total = 0;
    for (var entry : endOffsets.entrySet()) {
      TopicPartition tp = entry.getKey();
      OffsetAndMetadata offset = committed.get(tp);
      long position = offset != null ? offset.offset() : startOffsets.get(tp).offset();
      long end = entry.getValue().offset();
      long lag = Math.max(0, end - position);
      total += lag;
      partitions.add(new PartitionLag(tp.topic(), tp.partition(), position, end, lag));
    }
    partitions.sort(Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition));
    return new Lag(total, partitions);
  }
}
