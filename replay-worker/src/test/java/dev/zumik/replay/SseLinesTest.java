package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.replay.client.SseLines;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseLinesTest {

    @Test
    void shouldReassembleEventsSplitAcrossChunksInAnyPlace() {
        final String stream = "event: message_start\r\ndata: {\"a\":1}\r\n\r\n: keep-alive\n\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n";
        final byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            // given
            final List<String> events = new ArrayList<>();
            final SseLines sse = new SseLines(events::add);
            // when the stream arrives in two chunks split at every possible byte
            sse.feed(Arrays.copyOfRange(bytes, 0, cut));
            sse.feed(Arrays.copyOfRange(bytes, cut, bytes.length));
            sse.end();
            // then
            assertThat(events).as("cut at " + cut).containsExactly("{\"a\":1}", "line one\nline two", "[DONE]");
        }
    }

    @Test
    void shouldDeliverALastEventWithoutItsBlankLine() {
        final List<String> events = new ArrayList<>();
        final SseLines sse = new SseLines(events::add);
        sse.feed("data:{\"x\":2}".getBytes(StandardCharsets.UTF_8));
        sse.end();
        assertThat(events).containsExactly("{\"x\":2}");
    }
}
