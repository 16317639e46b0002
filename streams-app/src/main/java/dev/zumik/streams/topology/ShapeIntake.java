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
        final String key = record.key() == null ? "" : new String(record.key().get(), StandardCharsets.UTF_8);
        final RequestShape shape;
        try {
            shape = record.value() == null ? null : deserializer.deserialize(topic(), record.value());
        } catch (final RuntimeException e) {
            deadLetter(record, key, "undeserializable: " + e.getMessage(), e);
            return;
        }
        if (shape == null) {
            deadLetter(record, key, "empty value (tombstone) on the shape topic", null);
            return;
        }
        final Optional<String> problem;
        try {
            problem = ShapeValidation.problem(key, shape);
        } catch (final RuntimeException e) {
            deadLetter(record, key, "invalid: " + e, e);
            return;
        }
        if (problem.isPresent()) {
            deadLetter(record, key, problem.get(), null);
            return;
        }
        context.forward(record.withValue(new Intake(shape, record.value(), null)).withTimestamp(shape.getArrivalTime().toEpochMilli()));
    }

    private void deadLetter(final FixedKeyRecord<Bytes, byte[]> record, final String key, final String reason, final Exception cause) {
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
        context.forward(record.withValue(new Intake(null, null, letter)));
    }

    private String topic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse("");
    }
}
