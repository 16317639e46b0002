package dev.zumik.core.decision;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The three reasons that can justify moving a lane to BYOC (docs/METRICS.md, "Decision rules"): each is tested on its own in
 * the replay, and a MOVE needs at least one that holds. People name them with {@link #word()}.
 */
public enum ByocReason {
    LATENCY_SLO("slo", ReasonCode.LATENCY_SLO),
    CONCENTRATED_HOT_VOLUME("hot-volume", ReasonCode.CONCENTRATED_HOT_VOLUME),
    ISOLATION_REQUIRED("isolation", ReasonCode.ISOLATION_REQUIRED);

    private final String word;
    private final ReasonCode code;

    ByocReason(final String word, final ReasonCode code) {
        this.word = word;
        this.code = code;
    }

    public String word() {
        return word;
    }

    public ReasonCode code() {
        return code;
    }

    /** A reason by its word ({@code slo}, {@code hot-volume}, {@code isolation}) or its code. */
    public static ByocReason parse(final String text) {
        final String t = text == null ? "" : text.trim();
        return Arrays.stream(values()).filter(r -> r.word.equals(t.toLowerCase(Locale.ROOT)) || r.name().equals(t)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown reason '" + t + "': give " + words()));
    }

    /** The reason a code stands for, if it is one of the three. */
    public static Optional<ByocReason> ofCode(final String code) {
        return Arrays.stream(values()).filter(r -> r.name().equals(code)).findFirst();
    }

    public static String words() {
        return Arrays.stream(values()).map(ByocReason::word).collect(Collectors.joining(", ", "", ""));
    }
}
