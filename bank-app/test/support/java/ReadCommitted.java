// Reads a Kafka topic the way Druid does: with the reference Java client, isolation.level
// read_committed, from the beginning (or the last N offsets of each partition, or given start offsets)
// up to each partition's last stable offset as of the start. Prints one line per record: partition,
// offset, then key, value and headers in Base64 (a header as name:value, comma-separated), tab-separated.
//
// The chaos suite reads `ministatement` with this as well as with kafkajs (the client a TypeScript user
// has): the two must agree.
//
// Run as a single-file program (no build step):
//   java -cp '<kafka lib>/*' ReadCommitted.java <bootstrap> <topic> [<tail> | from=<partition>:<offset>,...]
// With from=, a partition it does not name is not read.
import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
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
    String range = args.length > 2 ? args[2] : "";
    long tail = range.isEmpty() || range.startsWith("from=") ? -1 : Long.parseLong(range);
    Map<Integer, Long> from = new HashMap<>();
    if (range.startsWith("from=") && range.length() > 5) {
      for (String pair : range.substring(5).split(",")) {
        String[] parts = pair.split(":");
        from.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
      }
    }

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
        long start;
        if (range.startsWith("from=")) {
          start = Math.max(begin, from.getOrDefault(partition.partition(), ends.get(partition)));
        } else {
          start = tail < 0 ? begin : Math.max(begin, ends.get(partition) - tail);
        }
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
