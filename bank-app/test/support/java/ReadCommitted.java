// Reads a Kafka topic the way Druid does: with the reference Java client, isolation.level
// read_committed, from the beginning (or the last N offsets of each partition) up to each partition's
// last stable offset as of the start. Prints one line per record: partition, offset, then key, value
// and headers in Base64 (a header as name:value, comma-separated), tab-separated.
//
// The tests read committed records through this and not through kafkajs: kafkajs 2.2.4 lets records
// of aborted transactions through when several transactional producers interleave in a partition
// (as the projector's per-partition producers do in `ministatement`).
//
// Run as a single-file program (no build step): java -cp '<kafka lib>/*' ReadCommitted.java <bootstrap> <topic> [tail]
import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class ReadCommitted {
  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  private static String encode(byte[] bytes) {
    return bytes == null ? "-" : BASE64.encodeToString(bytes);
  }

  public static void main(String[] args) {
    String bootstrap = args[0];
    String topic = args[1];
    long tail = args.length > 2 ? Long.parseLong(args[2]) : -1;

    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrap);
    properties.put("isolation.level", "read_committed");
    properties.put("enable.auto.commit", "false");
    properties.put("key.deserializer", ByteArrayDeserializer.class.getName());
    properties.put("value.deserializer", ByteArrayDeserializer.class.getName());

    PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(info -> new TopicPartition(topic, info.partition()))
          .toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions); // read_committed: the LSO
      Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
      Set<TopicPartition> pending = new HashSet<>();
      for (TopicPartition partition : partitions) {
        long begin = begins.get(partition);
        long start = tail < 0 ? begin : Math.max(begin, ends.get(partition) - tail);
        consumer.seek(partition, start);
        if (start < ends.get(partition)) pending.add(partition);
      }
      long deadline = System.currentTimeMillis() + 90_000;
      while (!pending.isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() >= ends.get(new TopicPartition(topic, record.partition()))) continue;
          StringBuilder line = new StringBuilder();
          line.append(record.partition()).append('\t').append(record.offset()).append('\t')
              .append(encode(record.key())).append('\t').append(encode(record.value())).append('\t');
          boolean first = true;
          for (Header header : record.headers()) {
            if (!first) line.append(',');
            line.append(encode(header.key().getBytes(StandardCharsets.UTF_8))).append(':').append(encode(header.value()));
            first = false;
          }
          out.println(line);
        }
        pending.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("timed out reading " + topic + "; still reading " + pending);
        }
      }
    }
    out.flush();
  }
}
