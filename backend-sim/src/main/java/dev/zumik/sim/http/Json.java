package dev.zumik.sim.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON helpers shared by the wire formats. */
final class Json {
    /** The largest JSON document read, and so the largest string in it (Jackson's default stops strings at 20 MB). */
    static final int MAX_DOCUMENT_BYTES = 64 << 20;
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_DOCUMENT_BYTES).build()).build());

    private Json() { }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code value} as a JSON string literal, quotes included. */
    static String quote(final String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }

    static String sse(final ObjectNode data) {
        return "data: " + data + "\n\n";
    }

    static String sse(final String event, final ObjectNode data) {
        return "event: " + event + "\ndata: " + data + "\n\n";
    }
}
