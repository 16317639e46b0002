package dev.zumik.core.prompt;

import java.util.Optional;

/** The request paths whose traffic is shaped; any other path passes through and is only counted. */
public enum Dialect {
    OPENAI_CHAT("/v1/chat/completions"),
    OPENAI_COMPLETIONS("/v1/completions"),
    OPENAI_RESPONSES("/v1/responses"),
    OPENAI_EMBEDDINGS("/v1/embeddings"),
    ANTHROPIC_MESSAGES("/v1/messages");

    private final String pathSuffix;

    Dialect(final String pathSuffix) {
        this.pathSuffix = pathSuffix;
    }

    /** The dialect of a request path (query ignored; a deployment prefix such as /openai is allowed). */
    public static Optional<Dialect> ofPath(final String path) {
        final int query = path.indexOf('?');
        final String p = query < 0 ? path : path.substring(0, query);
        for (final Dialect d : values()) {
            if (p.endsWith(d.pathSuffix)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    public String path() {
        return pathSuffix;
    }
}
