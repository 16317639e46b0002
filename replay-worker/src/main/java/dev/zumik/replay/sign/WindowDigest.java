package dev.zumik.replay.sign;

import dev.zumik.schemas.avro.RequestShape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Names a replayed window and digests its canonical shape events: the shapes ordered by arrival time
 * then event id, each as its Avro binary encoding (RequestShape schema, no wire header) preceded by its
 * length as a 4-byte big-endian integer; sha256 over the lot. Anyone can recompute it from the topic.
 */
public final class WindowDigest {
    private WindowDigest() { }

    public static String name(final String laneKey, final Instant from, final Instant to) {
        return "zumik-window:" + laneKey + "[" + from + "," + to + ")";
    }

    public static String sha256(final List<RequestShape> shapes) {
        final List<RequestShape> ordered = shapes.stream()
                .sorted(Comparator.comparing(RequestShape::getArrivalTime).thenComparing(RequestShape::getEventId)).toList();
        try {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final SpecificDatumWriter<RequestShape> writer = new SpecificDatumWriter<>(RequestShape.class);
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            BinaryEncoder encoder = null;
            for (final RequestShape shape : ordered) {
                bytes.reset();
                encoder = EncoderFactory.get().directBinaryEncoder(bytes, encoder);
                writer.write(shape, encoder);
                encoder.flush();
                final int length = bytes.size();
                digest.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
                digest.update(bytes.toByteArray());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (final NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot digest the window: " + e.getMessage(), e);
        }
    }
}
