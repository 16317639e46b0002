package dev.zumik.schemas.serde;

/**
 * Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro binary encoding.
 * Subjects follow the TopicNameStrategy: {@code <topic>-value} and {@code <topic>-key}.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() { }

    public static String subject(final String topic, final boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /** The schema id in the header; callers check length and magic byte first. */
    public static int schemaId(final byte[] data) {
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }

    public static void writeHeader(final byte[] target, final int schemaId) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }
}
