package dev.zumik.capture.traces;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.capture.shape.ExchangeParser;
import dev.zumik.capture.shape.ParsedExchange;
import dev.zumik.capture.shape.ShapeBuilder;
import dev.zumik.core.prompt.Dialect;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * JSONL logs of OpenAI-style requests, hashed exactly like the proxy does. Each line is either a
 * request body (its {@code usage}, if logged beside it, is read as the response's), or an object
 * {@code {"request": {...}, "response": {...}, "timestamp": ms-or-ISO, "endpoint": "/v1/chat/completions"}}.
 * The lane's model comes from each request; provider and route from the target lane.
 */
final class OpenAiLogImporter extends TraceImporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShapeBuilder builder;

    OpenAiLogImporter(final Target target, final ShapeBuilder builder) {
        super(target);
        this.builder = builder;
    }

    @Override
    protected RequestShape shape(final long number, final String line) throws JsonProcessingException {
        final JsonNode node = JSON.readTree(line);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a line must be a JSON object");
        }
        final JsonNode request = node.has("request") ? node.path("request") : node;
        JsonNode response = node.path("response");
        if (response.isMissingNode() && request.has("usage")) {
            final ObjectNode wrapped = JSON.createObjectNode();
            wrapped.set("usage", request.path("usage"));
            response = wrapped;
        }
        final String endpoint = node.path("endpoint").asText(target.lane().getRoute());
        final Dialect dialect = Dialect.ofPath(endpoint.startsWith("/") ? endpoint : "/v1/chat/completions").orElse(Dialect.OPENAI_CHAT);
        final ParsedExchange parsed = ExchangeParser.parse(dialect, request.toString().getBytes(StandardCharsets.UTF_8),
                response.isMissingNode() ? null : response.toString().getBytes(StandardCharsets.UTF_8));
        if (!parsed.parsed()) {
            throw new IllegalArgumentException("not a request body of " + dialect.path());
        }
        if ((parsed.promptText() == null || parsed.promptText().isEmpty()) && (parsed.promptTokenIds() == null || parsed.promptTokenIds().length == 0)) {
            // a body the parser read but found no prompt in (messages that are not a list, say): nothing to count
            throw new IllegalArgumentException("no prompt in the request body of " + dialect.path());
        }
        final Instant arrival = arrival(node.path("timestamp"), number);
        final RequestShape shape = builder.build(parsed, new ShapeBuilder.Context(target.tenant(), target.lane().getProvider(),
                target.lane().getRoute(), arrival, null, null, 200, ShapeSource.IMPORT));
        shape.setLane(new Lane(target.lane().getProvider(), parsed.model(), target.lane().getRoute()));
        return shape;
    }

    private Instant arrival(final JsonNode timestamp, final long number) {
        if (timestamp.isIntegralNumber() && timestamp.canConvertToLong()) {
            return Instant.ofEpochMilli(timestamp.asLong());
        }
        if (timestamp.isNumber()) {
            throw new IllegalArgumentException("timestamp " + timestamp + " is not epoch milliseconds (a whole number of them)");
        }
        if (timestamp.isTextual()) {
            try {
                return Instant.parse(timestamp.asText());
            } catch (final DateTimeParseException e) {
                throw new IllegalArgumentException("timestamp '" + timestamp.asText() + "' is neither epoch ms nor ISO-8601");
            }
        }
        return target.start().plusMillis(number);
    }
}
