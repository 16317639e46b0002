package dev.zumik.capture.publish;

import dev.zumik.capture.ByteBudget;
import dev.zumik.capture.IdleBackoff;
import dev.zumik.capture.ShapingPriority;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.registry.SchemaRegistryException;
import dev.zumik.schemas.serde.ConfluentAvroSerializer;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes shapes without ever holding up the traffic they describe. {@link #offer} never blocks:
 * a shape is encoded at once and queued if the queue (shapes waiting plus shapes sent but not yet
 * acknowledged) stays within its byte bound, else dropped and counted by reason. One sender thread
 * stamps each with its schema id and hands it to an idempotent producer that retries until Kafka is
 * back, so an outage delays shapes, and recovery publishes them once each. Invariant: captured =
 * published + dropped + pending.
 *
 * <p>A queued shape is its encoded bytes, not the record: through a long outage the queue holds a few
 * hundred thousand shapes, and as object graphs (boxed block hashes, strings) they cost the old generation's
 * collector several times their encoded size to mark and move, and the proxy's tail latency with it.
 */
public final class ShapePublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShapePublisher.class);
    private static final long RETRY_BACKOFF_MS = 500;
    /** How often, with nothing to send, Kafka's health is asked while it is unknown or down. */
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ConfluentAvroSerializer<RequestShape> serializer;
    private final ConcurrentLinkedDeque<EncodedShape> queue = new ConcurrentLinkedDeque<>();
    private final ByteBudget pendingBytes;
    private final AtomicLong pendingShapes = new AtomicLong();
    private final Counter captured;
    private final Counter published;
    private final MeterRegistry meters;
    private final Thread sender;
    private volatile boolean running = true;
    /** What the last shape refused for want of room would have held: shaping resumes once that much is free. */
    private volatile long lastRefusedBytes;
    private volatile boolean kafkaHealthy = true;
    /** Whether Kafka has answered (or failed to) at all yet: until then its health is unknown. */
    private volatile boolean contacted;

    public ShapePublisher(final Map<String, Object> kafkaProperties, final Topic<String, RequestShape> shapes, final long maxQueueBytes,
                          final ShapingPriority priority, final MeterRegistry meters) {
        if (maxQueueBytes < 1024) {
            throw new IllegalArgumentException("the shape queue needs at least 1024 bytes, got " + maxQueueBytes);
        }
        this.topic = shapes.name();
        this.pendingBytes = new ByteBudget(maxQueueBytes, meters, "zumik_capture_shapes_pending_bytes");
        this.meters = meters;
        final Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Retry until Kafka is back (idempotence keeps retries duplicate-free); the queue bound limits memory.
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        props.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, 2 * maxQueueBytes)));
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "zumik-capture");
        // made on a thread of the shaping priority, so the client's network thread is scheduled as the shapers are
        this.producer = priority.make(() -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()), meters);
        if (!(shapes.valueSerde().serializer() instanceof ConfluentAvroSerializer<RequestShape> confluent)) {
            throw new IllegalArgumentException("shapes are published in the Confluent wire format, not with "
                    + shapes.valueSerde().serializer().getClass().getName());
        }
        this.serializer = confluent;
        this.captured = Counter.builder("zumik_capture_shapes_captured").description("Shapes offered for publishing").register(meters);
        this.published = Counter.builder("zumik_capture_shapes_published").description("Shapes acknowledged by Kafka").register(meters);
        meters.gauge("zumik_capture_shapes_pending", pendingShapes);
        meters.gauge("zumik_capture_kafka_healthy", this, p -> p.kafkaHealthy ? 1 : 0);
        this.sender = new Thread(() -> {
            priority.applyToCurrentThread(meters);
            sendLoop();
        }, "zumik-shape-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /** Queues a shape if it fits within the bound; never blocks. Returns false when it was dropped. */
    public boolean offer(final RequestShape shape) {
        captured.increment();
        if (!running) {
            dropped("shutting_down");
            return false;
        }
        final EncodedShape encoded;
        try {
            encoded = new EncodedShape(Lanes.key(shape.getLane()).getBytes(StandardCharsets.UTF_8),
                    shape.getArrivalTime().toEpochMilli(), serializer.encodeAwaitingSchemaId(shape));
        } catch (final SerializationException e) {
            LOG.warn("Dropping a shape that cannot be encoded: {}", e.getMessage());
            dropped("encode_error");
            return false;
        }
        if (!pendingBytes.tryTake(encoded.heapBytes())) {
            lastRefusedBytes = encoded.heapBytes();
            dropped("queue_full");
            return false;
        }
        pendingShapes.incrementAndGet();
        queue.offer(encoded);
        return true;
    }

    /**
     * Counts a shape as captured and dropped ({@code queue_full}) without its being built, when the queue has no room
     * for the last shape it refused (or for the smallest): through a long outage the proxy spends no CPU tokenizing and
     * hashing shapes it cannot keep. A queue a few bytes from full refuses a long prompt's shape as surely as a full one.
     */
    public boolean dropIfFull() {
        if (pendingBytes.hasRoomFor(Math.max(EncodedShape.SMALLEST_HEAP_BYTES, lastRefusedBytes))) {
            return false;
        }
        captured.increment();
        dropped("queue_full");
        return true;
    }

    public long pendingShapes() {
        return pendingShapes.get();
    }

    public boolean kafkaHealthy() {
        return kafkaHealthy;
    }

    /** UNKNOWN until Kafka has first answered or failed to, then UP or DOWN. */
    public String kafkaState() {
        return !contacted ? "UNKNOWN" : kafkaHealthy ? "UP" : "DOWN";
    }

    /** With nothing to send, asks Kafka for the topic's metadata: health is known (and comes back) without traffic. */
    private void probe() {
        try {
            producer.partitionsFor(topic);
            kafkaHealthy = true;
        } catch (final RuntimeException e) {
            kafkaHealthy = false;
        }
        contacted = true;
    }

    private void dropped(final String reason) {
        meters.counter("zumik_capture_shapes_dropped", "reason", reason).increment();
    }

    private void release(final EncodedShape shape) {
        pendingBytes.giveBack(shape.heapBytes());
        pendingShapes.decrementAndGet();
    }

    private void sendLoop() {
        // nobody signals this thread: an offer on a shaping worker only enqueues (see IdleBackoff)
        final IdleBackoff backoff = new IdleBackoff();
        long lastProbe = System.nanoTime();
        while (running) {
            final EncodedShape shape = queue.pollFirst();
            if (shape == null) {
                if ((!contacted || !kafkaHealthy) && System.nanoTime() - lastProbe > PROBE_INTERVAL_NANOS) {
                    probe();
                    lastProbe = System.nanoTime();
                }
                backoff.idle();
                continue;
            }
            backoff.worked();
            if (!send(shape)) {
                queue.offerFirst(shape);
                pause();
            } else if (!kafkaHealthy) {
                pause();
            }
        }
    }

    /** False when the shape must be tried again later (registry or Kafka metadata unavailable). */
    private boolean send(final EncodedShape shape) {
        try {
            serializer.stampSchemaId(topic, RequestShape.getClassSchema(), shape.value());
        } catch (final SerializationException e) {
            if (e.getCause() instanceof SchemaRegistryException registry && registry.isTransient()) {
                LOG.warn("Schema registry unavailable, shapes wait in the queue: {}", e.getMessage());
                kafkaHealthy = false;
                return false;
            }
            LOG.warn("Dropping a shape whose schema the registry refuses: {}", e.getMessage());
            release(shape);
            dropped("encode_error");
            return true;
        }
        try {
            // The record timestamp is the arrival time, so windows can be found with offsetsForTimes.
            producer.send(new ProducerRecord<>(topic, null, shape.arrivalMillis(), shape.key(), shape.value()), (metadata, error) -> {
                contacted = true;
                if (error == null) {
                    release(shape);
                    kafkaHealthy = true;
                    published.increment();
                } else if (error instanceof RetriableException) {
                    // e.g. no metadata yet because Kafka is down: the shape waits for the next try
                    if (kafkaHealthy) {
                        LOG.warn("Kafka unavailable, shapes wait in the queue (bound {} bytes): {}", pendingBytes.max(), error.getMessage());
                    }
                    kafkaHealthy = false;
                    queue.offerFirst(shape);
                } else {
                    release(shape);
                    LOG.warn("Kafka rejected a shape: {}", error.toString());
                    dropped("kafka_error");
                }
            });
            return true;
        } catch (final TimeoutException e) {
            if (kafkaHealthy) {
                LOG.warn("Kafka unavailable, shapes wait in the queue (bound {} bytes): {}", pendingBytes.max(), e.getMessage());
            }
            kafkaHealthy = false;
            return false;
        } catch (final RuntimeException e) {
            LOG.warn("Dropping a shape Kafka cannot take: {}", e.toString());
            release(shape);
            dropped("kafka_error");
            return true;
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_BACKOFF_MS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code drainTimeout} for pending shapes, then closes; what is left is counted as dropped. */
    public void close(final Duration drainTimeout) {
        final long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (pendingShapes.get() > 0 && System.nanoTime() < deadline) {
            pause();
        }
        running = false;
        try {
            sender.join(1000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(1));
        final long left = pendingShapes.get();
        if (left > 0) {
            meters.counter("zumik_capture_shapes_dropped", "reason", "shutdown").increment(left);
            LOG.warn("{} shapes were not published before shutdown", left);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** A shape as Kafka takes it: key, arrival time (the record timestamp) and value in the wire format. */
    private record EncodedShape(byte[] key, long arrivalMillis, byte[] value) {
        /** Object and array headers of one queued shape, on a 64-bit JVM with compressed pointers, rounded up. */
        private static final int OVERHEAD_BYTES = 80;
        /** Below what any shape holds: a lane key and the record's fixed fields take more. */
        static final int SMALLEST_HEAP_BYTES = OVERHEAD_BYTES + 64;

        /** What the shape holds on the heap, against the queue's bound. */
        long heapBytes() {
            return OVERHEAD_BYTES + key.length + value.length;
        }
    }
}
