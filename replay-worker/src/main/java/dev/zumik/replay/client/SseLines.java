package dev.zumik.replay.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a server-sent-event stream arriving in arbitrary chunks into the data payloads of its
 * events (multi-line data joined with newlines, CRLF or LF, comments and other fields ignored).
 */
public final class SseLines {
    private final Consumer<String> events;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    public SseLines(final Consumer<String> events) {
        this.events = events;
    }

    public void feed(final byte[] chunk) {
        for (final byte b : chunk) {
            if (b == '\n') {
                endLine();
            } else {
                line.write(b);
            }
        }
    }

    /** Ends the stream: an event without its blank line still counts. */
    public void end() {
        if (line.size() > 0) {
            endLine();
        }
        dispatch();
    }

    private void endLine() {
        final byte[] bytes = line.toByteArray();
        line.reset();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        if (length == 0) {
            dispatch();
            return;
        }
        final String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        if (text.startsWith("data:")) {
            if (hasData) {
                data.append('\n');
            }
            data.append(text.startsWith("data: ") ? text.substring(6) : text.substring(5));
            hasData = true;
        }
    }

    private void dispatch() {
        if (hasData) {
            final String payload = data.toString();
            data.setLength(0);
            hasData = false;
            events.accept(payload);
        }
    }
}
