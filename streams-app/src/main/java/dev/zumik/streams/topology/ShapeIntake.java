package dev.zumik.streams.topology;

import dev.zumik.schemas.avro.DeadLetter;
import dev.zumik.schemas.avro.RequestShape;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads raw shape records: deserializes (Confluent wire format) and validates each, forwarding a
 * valid shape with its arrival time as the record time (windows are in event time), or a dead
 * letter that keeps the original bytes and says why. The key stays the record's own bytes, so
 * nothing downstream repartitions. Never throws on a bad record:
 * the stream thread must not die on input.
 */
final class ShapeIntake implements FixedKeyProcessor<Bytes, byte[], Intake> {
    static final String STAGE = "streams-app";
    private final Deserializer<RequestShape> deserializer;
    private FixedKeyProcessorContext<Bytes, Intake> context;

    ShapeIntake(final Deserializer<RequestShape> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void init(final FixedKeyProcessorContext<Bytes, Intake> context) {
        this.context = context;
    }

    @Override
    public void process(final FixedKeyRecord<Bytes, byte[]> record) {
        final Checked checked = check(deserializer, topic(), record.key() == null ? null : record.key().get(), record.value());
        if (checked.shape() == null) {
            deadLetter(record, checked.reason(), checked.cause());
            return;
        }
        context.forward(record.withValue(new Intake(checked.shape(), null))
                .withTimestamp(checked.shape().getArrivalTime().toEpochMilli()));
    }

    /** A record's shape when it is valid, or why it is not (and the exception that said so, if any). */
    record Checked(RequestShape shape, String reason, Exception cause) { }

    /**
     * Deserializes and validates one shape record: what intake forwards, and what a restore that reads
     * the input again takes, so that both see the same shapes.
     */
    static Checked check(final Deserializer<RequestShape> deserializer, final String topic, final byte[] key, final byte[] value) {
        final String lane = key == null ? "" : new String(key, StandardCharsets.UTF_8);
        final RequestShape shape;
        try {
            shape = value == null ? null : deserializer.deserialize(topic, value);
        } catch (final RuntimeException e) {
            return new Checked(null, "undeserializable: " + e.getMessage(), e);
        }
        if (shape == null) {
            return new Checked(null, "empty value (tombstone) on the shape topic", null);
        }
        final Optional<String> problem;
        try {
            problem = ShapeValidation.problem(lane, shape);
        } catch (final RuntimeException e) {
            return new Checked(null, "invalid: " + e, e);
        }
        return problem.map(reason -> new Checked(null, reason, null)).orElseGet(() -> new Checked(shape, null, null));
    }

    private void deadLetter(final FixedKeyRecord<Bytes, byte[]> record, final String reason, final Exception cause) {
        final Optional<RecordMetadata> meta = context.recordMetadata();
        final DeadLetter letter = DeadLetter.newBuilder()
                .setTopic(meta.map(RecordMetadata::topic).orElse(""))
                .setPartition(meta.map(RecordMetadata::partition).orElse(-1))
                .setOffset(meta.map(RecordMetadata::offset).orElse(-1L))
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key().get()))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setReason(reason)
                .setErrorClass(cause == null ? null : cause.getClass().getName())
                .setStage(STAGE)
                .setFailedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .build();
        context.forward(record.withValue(new Intake(null, letter)));
    }

    private String topic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse("");
    }
}
