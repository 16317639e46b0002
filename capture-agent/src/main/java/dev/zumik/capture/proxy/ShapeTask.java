package dev.zumik.capture.proxy;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.publish.ShapePublisher;
import dev.zumik.capture.shape.ExchangeParser;
import dev.zumik.capture.shape.ParsedExchange;
import dev.zumik.capture.shape.ShapeBuilder;
import dev.zumik.schemas.avro.ShapeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shapes one finished exchange on a worker thread: decode, parse, tokenize, hash, publish. */
final class ShapeTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ShapeTask.class);

    private final Exchange exchange;
    private final Factory factory;

    private ShapeTask(final Exchange exchange, final Factory factory) {
        this.exchange = exchange;
        this.factory = factory;
    }

    /** What every task shares. */
    record Factory(ShapeBuilder builder, TenantKeyStore keys, ShapePublisher publisher, String tenantHeader, MeterRegistry meters) {
        ShapeTask task(final Exchange exchange) {
            return new ShapeTask(exchange, this);
        }
    }

    @Override
    public void run() {
        try {
            final ParsedExchange parsed = parse();
            final Double ttft = ttftMs(parsed);
            final Double e2e = exchange.endNanos > 0 ? (exchange.endNanos - exchange.startNanos) / 1e6 : null;
            final ShapeBuilder.Context context = new ShapeBuilder.Context(tenant(), exchange.upstream.provider(), exchange.route,
                    exchange.arrival, ttft, e2e, exchange.status, ShapeSource.PROXY);
            factory.publisher().offer(factory.builder().build(parsed, context));
        } catch (final RuntimeException e) {
            // Never log the exception message: it may quote request content.
            LOG.warn("Could not shape a {} exchange ({})", exchange.dialect.map(Enum::name).orElse("?"), e.getClass().getSimpleName());
            factory.meters().counter("zumik_capture_shapes_dropped", "reason", "shaping_error").increment();
        }
    }

    private ParsedExchange parse() {
        if (exchange.requestBody.overflowed() || exchange.dialect.isEmpty()) {
            factory.meters().counter("zumik_capture_unparsed", "reason", "too_large").increment();
            return ParsedExchange.unparsed();
        }
        final byte[] request = decode(exchange.requestBody.bytes(), header("content-encoding"));
        final byte[] response = exchange.responseBody.overflowed() ? null : decode(exchange.responseBody.bytes(), exchange.responseEncoding);
        if (request == null) {
            factory.meters().counter("zumik_capture_unparsed", "reason", "encoding").increment();
            return ParsedExchange.unparsed();
        }
        final ParsedExchange parsed = ExchangeParser.parse(exchange.dialect.get(), request, response);
        if (!parsed.parsed()) {
            factory.meters().counter("zumik_capture_unparsed", "reason", "not_json").increment();
        }
        return parsed;
    }

    /** First content token for streams; first response byte for whole responses. */
    private Double ttftMs(final ParsedExchange parsed) {
        if (exchange.status < 200 || exchange.status >= 300 || exchange.firstByteNanos == 0) {
            return null;
        }
        long at = exchange.firstByteNanos;
        if (parsed.stream()) {
            if (parsed.firstContentEnd() < 0) {
                return null;
            }
            at = exchange.arrivalOf(parsed.firstContentEnd());
            if (at == 0) {
                return null;
            }
        }
        return (at - exchange.startNanos) / 1e6;
    }

    private String tenant() {
        final String named = header(factory.tenantHeader());
        if (named != null && !named.isBlank()) {
            return named.trim();
        }
        String apiKey = header("authorization");
        if (apiKey != null && apiKey.regionMatches(true, 0, "Bearer ", 0, 7)) {
            apiKey = apiKey.substring(7).trim();
        }
        if (apiKey == null || apiKey.isBlank()) {
            apiKey = header("x-api-key");
        }
        if (apiKey == null || apiKey.isBlank()) {
            apiKey = header("api-key");
        }
        return apiKey == null || apiKey.isBlank() ? "anonymous" : factory.keys().tenantForApiKey(apiKey);
    }

    private String header(final String name) {
        return exchange.requestHeaders.get(name);
    }

    /** The body as sent, decompressed for parsing when gzip or deflate; null when it cannot be read. */
    private static byte[] decode(final byte[] body, final String encoding) {
        if (encoding == null || encoding.isBlank() || "identity".equalsIgnoreCase(encoding.trim())) {
            return body;
        }
        final String e = encoding.trim().toLowerCase(Locale.ROOT);
        try (InputStream in = "gzip".equals(e) || "x-gzip".equals(e) ? new GZIPInputStream(new ByteArrayInputStream(body))
                : "deflate".equals(e) ? new InflaterInputStream(new ByteArrayInputStream(body)) : null) {
            return in == null ? null : in.readNBytes(256 << 20);
        } catch (final IOException notReadable) {
            return null;
        }
    }
}
