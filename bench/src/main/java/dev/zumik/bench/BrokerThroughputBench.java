package dev.zumik.bench;

import dev.zumik.localstack.LocalStack;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import dev.zumik.schemas.serde.ConfluentAvroSerializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produce and consume throughput of RequestShape records on the embedded broker, through Zumik's
 * serde, against the same records pre-encoded and sent as raw bytes (the baseline: the broker and
 * client cost alone) in the same run. Arguments: record count (default 200000), rounds (default 3).
 * Usage: {@code java -cp "bench/target/bench.jar:bench/target/lib/*" dev.zumik.bench.BrokerThroughputBench}
 */
public final class BrokerThroughputBench {
    private BrokerThroughputBench() { }

    record Rate(double recordsPerSecond, double megabytesPerSecond) { }

    public static void main(final String[] args) throws Exception {
        final int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final List<RequestShape> shapes = BenchShapes.generate(10_000, 7);
        try (LocalStack stack = LocalStack.startEphemeral()) {
            final ConfluentAvroSerializer<RequestShape> serializer = new ConfluentAvroSerializer<>(stack.registryClient(), false);
            final byte[][] encoded = new byte[shapes.size()][];
            long bytes = 0;
            for (int i = 0; i < shapes.size(); i++) {
                encoded[i] = serializer.serialize("warm-up", shapes.get(i));
                bytes += encoded[i].length;
            }
            final double meanBytes = (double) bytes / shapes.size();
            System.out.printf("records: %,d per run, mean %.0f bytes each (%d-shape pool), %d rounds, best of each kept%n",
                    count, meanBytes, shapes.size(), rounds);
            Rate bestRawProduce = new Rate(0, 0);
            Rate bestZumikProduce = new Rate(0, 0);
            Rate bestRawConsume = new Rate(0, 0);
            Rate bestZumikConsume = new Rate(0, 0);
            for (int round = 1; round <= rounds; round++) {
                final String rawTopic = createTopic(stack, "bench-raw-" + round);
                final String zumikTopic = createTopic(stack, "bench-zumik-" + round);
                final Rate rawProduce = produce(stack, rawTopic, count, new ByteArraySerializer(), i -> encoded[i % encoded.length], meanBytes);
                final Rate zumikProduce = produce(stack, zumikTopic, count, new ConfluentAvroSerializer<>(stack.registryClient(), false),
                        i -> shapes.get(i % shapes.size()), meanBytes);
                final Rate rawConsume = consume(stack, rawTopic, count, new ByteArrayDeserializer(), meanBytes);
                final Rate zumikConsume = consume(stack, zumikTopic, count,
                        new ConfluentAvroDeserializer<RequestShape>(stack.registryClient(), RequestShape.class), meanBytes);
                System.out.printf("round %d: produce raw %,.0f/s zumik %,.0f/s; consume raw %,.0f/s zumik %,.0f/s%n", round,
                        rawProduce.recordsPerSecond(), zumikProduce.recordsPerSecond(),
                        rawConsume.recordsPerSecond(), zumikConsume.recordsPerSecond());
                bestRawProduce = best(bestRawProduce, rawProduce);
                bestZumikProduce = best(bestZumikProduce, zumikProduce);
                bestRawConsume = best(bestRawConsume, rawConsume);
                bestZumikConsume = best(bestZumikConsume, zumikConsume);
            }
            System.out.println();
            System.out.println("| path | baseline: raw bytes | Zumik serde | ratio |");
            System.out.println("|---|---|---|---|");
            row("produce (acks=all, idempotent, linger 5 ms)", bestRawProduce, bestZumikProduce);
            row("consume (one consumer, 6 partitions)", bestRawConsume, bestZumikConsume);
        }
    }

    private static Rate best(final Rate a, final Rate b) {
        return a.recordsPerSecond() >= b.recordsPerSecond() ? a : b;
    }

    private static void row(final String path, final Rate baseline, final Rate zumik) {
        System.out.printf("| %s | %,.0f rec/s (%.1f MB/s) | %,.0f rec/s (%.1f MB/s) | %.2f |%n", path,
                baseline.recordsPerSecond(), baseline.megabytesPerSecond(), zumik.recordsPerSecond(),
                zumik.megabytesPerSecond(), zumik.recordsPerSecond() / baseline.recordsPerSecond());
    }

    private static String createTopic(final LocalStack stack, final String name) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(6), Optional.empty()))).all().get();
        }
        return name;
    }

    private interface Source<V> {
        V get(int i);
    }

    private static <V> Rate produce(final LocalStack stack, final String topic, final int count, final Serializer<V> serializer,
                                    final Source<V> source, final double meanBytes) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        final long start = System.nanoTime();
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(props, new StringSerializer(), serializer)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(i % 64), source.get(i)));
            }
            producer.flush();
        }
        return rate(count, System.nanoTime() - start, meanBytes);
    }

    private static <V> Rate consume(final LocalStack stack, final String topic, final int count,
                                    final Deserializer<V> deserializer, final double meanBytes) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        int read = 0;
        final long start = System.nanoTime();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), deserializer)) {
            consumer.subscribe(Set.of(topic));
            while (read < count) {
                final ConsumerRecords<String, V> records = consumer.poll(Duration.ofMillis(500));
                read += records.count();
                if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
                    throw new IllegalStateException("consumed only " + read + " of " + count);
                }
            }
        }
        return rate(count, System.nanoTime() - start, meanBytes);
    }

    private static Rate rate(final int count, final long nanos, final double meanBytes) {
        final double seconds = nanos / 1e9;
        return new Rate(count / seconds, count * meanBytes / seconds / 1e6);
    }
}
