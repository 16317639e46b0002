package dev.zumik.capture;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes a body part by part, flushing after each part so that each can be decoded as it arrives,
 * as a compressing server sends a live stream: gzip, deflate (zlib-wrapped), deflate-raw (raw
 * deflate, which some servers send as "deflate") or zstd. The last segment is the encoder's trailer.
 */
public final class FlushedEncoder {
    private FlushedEncoder() { }

    public static List<byte[]> segments(final String coding, final List<String> parts) {
        final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        final List<byte[]> segments = new ArrayList<>();
        int cut = 0;
        try (OutputStream out = open(coding, sink)) {
            for (final String part : parts) {
                out.write(part.getBytes(StandardCharsets.UTF_8));
                out.flush();
                segments.add(Arrays.copyOfRange(sink.toByteArray(), cut, sink.size()));
                cut = sink.size();
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        segments.add(Arrays.copyOfRange(sink.toByteArray(), cut, sink.size()));
        return segments;
    }

    /** The whole body encoded at once. */
    public static byte[] encode(final String coding, final byte[] body) {
        final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = open(coding, sink)) {
            out.write(body);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return sink.toByteArray();
    }

    private static OutputStream open(final String coding, final OutputStream sink) throws IOException {
        return switch (coding) {
            case "gzip" -> new GZIPOutputStream(sink, true);
            case "deflate" -> new DeflaterOutputStream(sink, new Deflater(Deflater.DEFAULT_COMPRESSION, false), true);
            case "deflate-raw" -> new DeflaterOutputStream(sink, new Deflater(Deflater.DEFAULT_COMPRESSION, true), true);
            case "zstd" -> new ZstdOutputStream(sink);
            default -> throw new IllegalArgumentException("no encoder for " + coding);
        };
    }
}
