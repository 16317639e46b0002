package dev.zumik.capture.proxy;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.publish.ShapePublisher;
import dev.zumik.capture.shape.ExchangeParser;
import dev.zumik.capture.shape.ParsedExchange;
import dev.zumik.capture.shape.ShapeBuilder;
import dev.zumik.schemas.avro.ShapeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
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
        if (factory.publisher().dropIfFull()) {
            return;
        }
        try {
            final byte[] response = exchange.responseBody.overflowed() ? null : exchange.responseBody.bytes();
            final Optional<ContentCoding> responseCoding = ContentCoding.of(exchange.responseEncoding);
            final ParsedExchange parsed = parse(response, responseCoding);
            final Double ttft = ttftMs(parsed, response, responseCoding);
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

    private ParsedExchange parse(final byte[] rawResponse, final Optional<ContentCoding> responseCoding) {
        if (exchange.requestBody.overflowed() || exchange.dialect.isEmpty()) {
            factory.meters().counter("zumik_capture_unparsed", "reason", exchange.requestBody.unreadable().orElse(BoundedBody.TOO_LARGE))
                    .increment();
            return ParsedExchange.unparsed();
        }
        final byte[] request = ContentCoding.of(header("content-encoding")).map(c -> c.decode(exchange.requestBody.bytes())).orElse(null);
        if (request == null) {
            factory.meters().counter("zumik_capture_unparsed", "reason", "encoding").increment();
            return ParsedExchange.unparsed();
        }
        final byte[] response = rawResponse == null ? null : responseCoding.map(c -> c.decode(rawResponse)).orElse(null);
        if (response == null) {
            // the request still gives the prompt; usage, cached tokens and TTFT are unknown
            factory.meters().counter("zumik_capture_responses_unread", "reason",
                    rawResponse == null ? exchange.responseBody.unreadable().orElse(BoundedBody.TOO_LARGE) : "encoding").increment();
        }
        final ParsedExchange parsed = ExchangeParser.parse(exchange.dialect.get(), request, response);
        if (!parsed.parsed()) {
            factory.meters().counter("zumik_capture_unparsed", "reason", "not_json").increment();
        }
        return parsed;
    }

    /**
     * First content token for streams; first response byte for whole responses. A compressed stream's
     * first content token arrived with the first chunk whose bytes decode past it; for br that cannot be
     * told (see ContentCoding), so its TTFT is left unknown rather than guessed.
     */
    private Double ttftMs(final ParsedExchange parsed, final byte[] rawResponse, final Optional<ContentCoding> coding) {
        if (exchange.status < 200 || exchange.status >= 300 || exchange.firstByteNanos == 0) {
            return null;
        }
        long at = exchange.firstByteNanos;
        if (parsed.stream()) {
            if (parsed.firstContentEnd() < 0 || coding.isEmpty() || !coding.get().prefixDecodable()) {
                return null;
            }
            final ContentCoding c = coding.get();
            at = exchange.arrivalOf(parsed.firstContentEnd(), raw -> c.decodedLength(rawResponse, (int) raw));
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
}
