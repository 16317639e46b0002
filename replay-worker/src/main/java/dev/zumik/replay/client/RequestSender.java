package dev.zumik.replay.client;

import dev.zumik.replay.backend.Backend;
import java.util.function.Consumer;

/** Where the open-loop scheduler hands each request at its send time; {@code done} is called once with its outcome. */
public interface RequestSender {
    Backend backend();

    void send(int index, long runStart, long intended, byte[] body, int targetPrompt, int targetOutput, Consumer<Outcome> done);
}
