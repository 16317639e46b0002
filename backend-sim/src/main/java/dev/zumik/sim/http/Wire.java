package dev.zumik.sim.http;

import dev.zumik.core.prompt.Dialect;
import io.vertx.core.MultiMap;
import java.util.HexFormat;
import java.util.List;

/**
 * One runtime's wire format (each runtime's API reference; docs/SIMULATOR.md): complete bodies, the pieces of an SSE stream,
 * error bodies and the model list. Stream pieces are whole SSE events, ready to write.
 */
interface Wire {

    /** The non-streaming response body. */
    String body(Reply reply, String text, Usage usage, boolean finishLength);

    /** Events that precede the first token (Anthropic's message_start, OpenAI's role chunk). */
    String streamOpen(Reply reply, Usage usage);

    /** One token's event. */
    String streamToken(Reply reply, String token);

    /** The events after the last token: finish reason, usage when asked for, end marker. */
    String streamClose(Reply reply, Usage usage, boolean finishLength);

    /** An error body for {@code status}; may add headers such as Retry-After. */
    String error(int status, String message, String code, MultiMap headers);

    /** The body of GET /v1/models. */
    String models(List<String> models, int contextTokens, long created);

    /** A request id in the runtime's style. */
    String id(Dialect api, long sequence, long created);

    /** The unique part of an id: the arrival number, spread, then the creation second. */
    static String idSuffix(final long sequence, final long created) {
        return HexFormat.of().toHexDigits((sequence + 1) * 0x9E3779B97F4A7C15L) + HexFormat.of().toHexDigits(created);
    }
}
