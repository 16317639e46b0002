package dev.zumik.capture.proxy;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.brotli.dec.BrotliInputStream;

/**
 * The content codings of a body (RFC 9110 §8.4) that the proxy reads to shape it: gzip (and
 * x-gzip), deflate (zlib-wrapped, or raw as some servers send it), br, zstd and identity, undone in
 * the reverse of the order the header lists them. Only the copy kept for shaping is decoded; the
 * client and the upstream always get the bytes as they were sent.
 */
final class ContentCoding {
    /** Larger decoded bodies are not parsed: a small compressed body can expand without bound. */
    static final int DECODED_LIMIT = 256 << 20;

    private static final ContentCoding IDENTITY = new ContentCoding(List.of());

    /** Codings in the order the sender applied them. */
    private final List<String> codings;

    private ContentCoding(final List<String> codings) {
        this.codings = codings;
    }

    /** The codings a Content-Encoding header names, or empty when one of them is not one the proxy reads. */
    static Optional<ContentCoding> of(final String header) {
        if (header == null || header.isBlank()) {
            return Optional.of(IDENTITY);
        }
        final List<String> codings = new ArrayList<>();
        for (final String part : header.split(",")) {
            final String coding = part.trim().toLowerCase(Locale.ROOT);
            switch (coding) {
                case "", "identity" -> { }
                case "gzip", "x-gzip", "deflate", "br", "zstd" -> codings.add(coding);
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(codings.isEmpty() ? IDENTITY : new ContentCoding(List.copyOf(codings)));
    }

    boolean identity() {
        return codings.isEmpty();
    }

    /**
     * Whether {@link #decodedLength} can tell how much of the body a prefix decodes to. Java's Brotli
     * decoder gives nothing from a cut-off stream, so for br it cannot.
     */
    boolean prefixDecodable() {
        return !codings.contains("br");
    }

    /** The decoded body, or null when it is corrupt, cut off or larger than {@link #DECODED_LIMIT}. */
    byte[] decode(final byte[] body) {
        if (identity()) {
            return body;
        }
        try (InputStream in = decoding(new ByteArrayInputStream(body))) {
            final byte[] decoded = in.readNBytes(DECODED_LIMIT + 1);
            return decoded.length > DECODED_LIMIT ? null : decoded;
        } catch (final IOException | RuntimeException | LinkageError unreadable) {
            // RuntimeException: the Brotli decoder's own; LinkageError: zstd's native library cannot load here
            return null;
        }
    }

    /**
     * How many decoded bytes the first {@code rawLength} bytes of {@code body} determine: what a client
     * reading the stream as it arrived could have decoded by then. Only when {@link #prefixDecodable()}.
     */
    long decodedLength(final byte[] body, final int rawLength) {
        if (identity()) {
            return rawLength;
        }
        long decoded = 0;
        try (InputStream in = decoding(new ByteArrayInputStream(body, 0, rawLength))) {
            final byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n > 0 && decoded <= DECODED_LIMIT; n = in.read(buffer)) {
                decoded += n;
            }
        } catch (final IOException | RuntimeException | LinkageError cutOff) {
            // the end of the prefix: gzip, deflate and zstd have handed out everything decodable before it
        }
        return decoded;
    }

    private InputStream decoding(final InputStream raw) throws IOException {
        InputStream in = raw;
        for (int i = codings.size() - 1; i >= 0; i--) {
            in = switch (codings.get(i)) {
                case "gzip", "x-gzip" -> new GZIPInputStream(in);
                case "deflate" -> deflate(in);
                case "br" -> new BrotliInputStream(in);
                case "zstd" -> new ZstdInputStream(in);
                default -> throw new IllegalStateException("unknown coding " + codings.get(i));
            };
        }
        return in;
    }

    /** RFC 9110's deflate is zlib-wrapped; some servers send raw deflate, which clients accept too. */
    private static InputStream deflate(final InputStream in) throws IOException {
        final PushbackInputStream peek = new PushbackInputStream(in, 2);
        final byte[] head = peek.readNBytes(2);
        peek.unread(head);
        final boolean zlib = head.length == 2 && (head[0] & 0x0F) == 8 && (((head[0] & 0xFF) << 8) | (head[1] & 0xFF)) % 31 == 0;
        final Inflater inflater = new Inflater(!zlib);
        return new InflaterInputStream(peek, inflater) {
            @Override
            public void close() throws IOException {
                super.close();
                inflater.end();
            }
        };
    }
}
