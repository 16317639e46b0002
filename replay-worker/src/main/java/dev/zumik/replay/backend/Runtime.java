package dev.zumik.replay.backend;

import dev.zumik.core.prompt.Dialect;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What answers at a replay endpoint, and so how a same-shape request is best sent to it. GPU runtimes
 * take token-id prompts on {@code /v1/completions} (exact prompt lengths) and honour
 * {@code ignore_eos}/{@code min_tokens} (exact output lengths); managed APIs take text on their chat
 * path, built to tokenize to the target length, and stop when their model does.
 */
public enum Runtime {
    OPENAI(Dialect.OPENAI_CHAT, false),
    ANTHROPIC(Dialect.ANTHROPIC_MESSAGES, false),
    VLLM(Dialect.OPENAI_COMPLETIONS, true),
    SGLANG(Dialect.OPENAI_COMPLETIONS, true),
    DYNAMO(Dialect.OPENAI_COMPLETIONS, true);

    private final Dialect api;
    private final boolean tokenIds;

    Runtime(final Dialect api, final boolean tokenIds) {
        this.api = api;
        this.tokenIds = tokenIds;
    }

    public Dialect api() {
        return api;
    }

    /** Token-id prompts and forced output lengths: the request's sizes are exact. */
    public boolean exactLengths() {
        return tokenIds;
    }

    public static Runtime parse(final String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown runtime '" + name + "' (known: " + known() + ")");
        }
    }

    public static String known() {
        return Arrays.stream(values()).map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
