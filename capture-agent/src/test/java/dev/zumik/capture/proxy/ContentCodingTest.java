package dev.zumik.capture.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.capture.BrotliFixtures;
import dev.zumik.capture.ByteBudget;
import dev.zumik.capture.FlushedEncoder;
import dev.zumik.core.prompt.Dialect;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentCodingTest {
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "hello ".repeat(500) + "\"}]}";
    private static final List<String> STREAM = List.of(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first\"}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" second " + "x".repeat(300) + "\"}}]}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":12}}\n\n",
            "data: [DONE]\n\n");

    @ParameterizedTest
    @CsvSource({"gzip,gzip", "x-gzip,gzip", "deflate,deflate", "deflate,deflate-raw", "zstd,zstd", "GZip,gzip", "' zstd ',zstd"})
    void shouldDecodeEachCodingItReads(final String header, final String encoder) {
        final byte[] encoded = FlushedEncoder.encode(encoder, bytes(BODY));
        assertThat(ContentCoding.of(header)).get().extracting(c -> c.decode(encoded)).isEqualTo(bytes(BODY));
    }

    @Test
    void shouldDecodeBrotliAsNodesEncoderMadeIt() {
        assertThat(ContentCoding.of("br").orElseThrow().decode(BrotliFixtures.jsonEncoded())).isEqualTo(bytes(BrotliFixtures.json()));
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        BrotliFixtures.sseSegments().forEach(stream::writeBytes);
        assertThat(ContentCoding.of("br").orElseThrow().decode(stream.toByteArray()))
                .isEqualTo(bytes(String.join("", BrotliFixtures.sse())));
    }

    @Test
    void shouldUndoStackedCodingsLastAppliedFirst() {
        // "gzip, zstd": gzip was applied first, then zstd
        final byte[] encoded = FlushedEncoder.encode("zstd", FlushedEncoder.encode("gzip", bytes(BODY)));
        assertThat(ContentCoding.of("gzip, zstd").orElseThrow().decode(encoded)).isEqualTo(bytes(BODY));
        assertThat(ContentCoding.of("identity, gzip, zstd").orElseThrow().decode(encoded)).isEqualTo(bytes(BODY));
        assertThat(ContentCoding.of("zstd, gzip").orElseThrow().decode(encoded)).isNull();
    }

    @Test
    void shouldTellIdentityAndUnknownCodingsApart() {
        for (final String identity : new String[] {null, "", "  ", "identity", "Identity"}) {
            assertThat(ContentCoding.of(identity)).get().satisfies(c -> {
                assertThat(c.identity()).isTrue();
                assertThat(c.decode(bytes(BODY))).isEqualTo(bytes(BODY));
            });
        }
        assertThat(ContentCoding.of("compress")).isEmpty();
        assertThat(ContentCoding.of("gzip, exotic")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "deflate", "br", "zstd"})
    void shouldGiveNothingForCorruptOrCutOffBodies(final String coding) {
        final byte[] whole = coding.equals("br") ? BrotliFixtures.jsonEncoded() : FlushedEncoder.encode(coding, bytes(BODY));
        final byte[] garbage = new byte[400];
        new Random(7).nextBytes(garbage);
        final ContentCoding c = ContentCoding.of(coding).orElseThrow();
        assertThat(c.decode(Arrays.copyOf(whole, whole.length - 3))).isNull();
        assertThat(c.decode(garbage)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"gzip,gzip", "deflate,deflate", "deflate,deflate-raw", "zstd,zstd"})
    void shouldTellHowMuchOfAFlushedStreamEachPrefixDecodesTo(final String header, final String encoder) {
        final List<byte[]> segments = FlushedEncoder.segments(encoder, STREAM);
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        segments.forEach(all::writeBytes);
        final byte[] body = all.toByteArray();
        final ContentCoding coding = ContentCoding.of(header).orElseThrow();
        assertThat(coding.prefixDecodable()).isTrue();

        int raw = 0;
        long plain = 0;
        long before = 0;
        for (int i = 0; i < STREAM.size(); i++) {
            // part way into a segment, no more than the chunks before it and this one decode
            for (int cut = raw; cut < raw + segments.get(i).length; cut++) {
                final long decoded = coding.decodedLength(body, cut);
                assertThat(decoded).isBetween(before, plain + STREAM.get(i).length());
                before = decoded;
            }
            raw += segments.get(i).length;
            plain += STREAM.get(i).length();
            // once a flushed segment is in, every chunk sent before the flush decodes
            assertThat(coding.decodedLength(body, raw)).as("after segment %d", i).isEqualTo(plain);
        }
        assertThat(coding.decodedLength(body, body.length)).isEqualTo(plain);
    }

    @Test
    void shouldNotClaimToDecodeBrotliPrefixes() {
        assertThat(ContentCoding.of("br").orElseThrow().prefixDecodable()).isFalse();
        assertThat(ContentCoding.of("gzip, br").orElseThrow().prefixDecodable()).isFalse();
    }

    @Test
    void shouldFindTheChunkThatCompletesADecodedOffset() {
        final List<byte[]> segments = FlushedEncoder.segments("gzip", STREAM);
        final Exchange exchange = new Exchange(Optional.of(Dialect.OPENAI_CHAT), Upstream.parse("http://127.0.0.1:1"), "/v1/chat/completions",
                Instant.now(), 0, 1 << 20, MultiMap.caseInsensitiveMultiMap(),
                new ByteBudget(1 << 20, new SimpleMeterRegistry(), "copies"));
        for (int i = 0; i < segments.size(); i++) {
            exchange.responseChunk(Buffer.buffer(segments.get(i)), 1000L * (i + 1));
        }
        final byte[] body = exchange.responseBody.bytes();
        final ContentCoding gzip = ContentCoding.of("gzip").orElseThrow();
        final int firstContentEnd = STREAM.get(0).length() + STREAM.get(1).indexOf("first") + 5;

        assertThat(exchange.arrivalOf(firstContentEnd, raw -> gzip.decodedLength(body, (int) raw))).isEqualTo(2000L);
        assertThat(exchange.arrivalOf(1, raw -> gzip.decodedLength(body, (int) raw))).isEqualTo(1000L);
        assertThat(exchange.arrivalOf(Long.MAX_VALUE, raw -> gzip.decodedLength(body, (int) raw))).isZero();
        // read as raw bytes, the same offset falls in a later, wrong chunk: compressed chunks are shorter
        assertThat(exchange.arrivalOf(firstContentEnd, raw -> raw)).isGreaterThan(2000L);
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
