package dev.zumik.replay.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.replay.verdict.VerdictReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A verdict in a few lines: decision and reasons, cost gain with its interval, TTFT p99 and capture on
 * both sides, notes. Reads the report as JSON, so a verified envelope's predicate prints the same way
 * as a report just made.
 */
public final class VerdictSummary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VerdictSummary() { }

    public static String text(final VerdictReport report) {
        return text(JSON.valueToTree(report));
    }

    /** {@code predicate}: a {@link VerdictReport} as JSON. */
    public static String text(final JsonNode r) {
        final List<String> reasons = strings(r.path("reasons"));
        final StringBuilder s = new StringBuilder();
        s.append("Verdict: ").append(r.path("decision").asText()).append(" (").append(String.join(", ", reasons)).append(") for ")
                .append(r.path("lane").asText()).append(" against ").append(r.path("profile").asText()).append('\n');
        final JsonNode gain = r.path("intervals").path("costGainPct");
        if (gain.isObject()) {
            s.append(String.format(Locale.ROOT, "  cost gain %.1f%% (%.0f%% interval %.1f%% to %.1f%%): managed $%,.0f/month, BYOC $%,.0f/month%n",
                    gain.path("estimate").asDouble(), r.path("intervals").path("confidence").asDouble() * 100, gain.path("low").asDouble(),
                    gain.path("high").asDouble(), r.path("baseline").path("monthlyUsd").asDouble(),
                    r.path("candidate").path("monthlyUsd").asDouble()));
            s.append(String.format(Locale.ROOT, "  TTFT p99: baseline %.0f ms, candidate %.0f ms; capture: baseline %.1f%%, candidate %.1f%%%n",
                    r.path("baseline").path("stats").path("ttftMs").path("p99").asDouble(),
                    r.path("candidate").path("stats").path("ttftMs").path("p99").asDouble(),
                    r.path("baseline").path("stats").path("capture").asDouble() * 100,
                    r.path("candidate").path("stats").path("capture").asDouble() * 100));
        }
        final JsonNode demand = r.path("demand");
        if (demand.isObject()) {
            final JsonNode c = demand.path("coverage");
            final JsonNode sizing = r.path("candidate").path("sizing");
            s.append(String.format(Locale.ROOT, "  demand: %.1f hours of captured traffic (%s; %s), from %s; BYOC %s scaling, %d replicas "
                            + "for the window, %,.0f of %,.0f GPU hours a month idle%n", c.path("hoursCaptured").asDouble(),
                    String.join(", ", strings(c.path("daysOfWeekSeen"))), c.path("fullWeek").asBoolean() ? "a full week"
                            : c.path("partialAcceptedBy").isTextual() ? "partial, accepted by " + c.path("partialAcceptedBy").asText() : "partial",
                    demand.path("source").asText(), sizing.path("scaling").asText(), sizing.path("windowReplicas").asInt(),
                    sizing.path("idleGpuHoursPerMonth").asDouble(), sizing.path("gpuHoursPerMonth").asDouble()));
        }
        final JsonNode replay = r.path("replay");
        if (replay.isObject()) {
            s.append(String.format(Locale.ROOT, "  replay: %d repetition(s), time scale %s%s; interval from %.1f s blocks%n",
                    replay.path("repetitions").size(), replay.path("timeScale").asText(),
                    replay.path("decisionGrade").asBoolean(true) ? "" : " (a smoke run: never MOVE)", replay.path("bootstrapBlockSeconds").asDouble()));
        }
        r.path("byocReasons").forEach(t -> s.append("  reason ").append(t.path("reason").asText()).append(" (").append(t.path("source").asText())
                .append("): ").append(t.path("holds").asBoolean() ? "holds" : "does not hold").append(" [")
                .append(String.join(", ", strings(t.path("outcome")))).append("]; test: ").append(t.path("test").asText()).append('\n'));
        final JsonNode model = r.path("modelSubstitution");
        if (model.isObject() && !model.path("to").isNull()) {
            s.append("  model: ").append(model.path("from").asText()).append(" -> ").append(model.path("to").asText())
                    .append(model.path("qualityEvaluated").asBoolean() ? "; quality evaluation attached: " + model.path("qualityEvidence").asText()
                            : "; answer quality not evaluated (attach one with --quality-evidence URI)").append('\n');
        }
        r.path("notes").forEach(n -> s.append("  note: ").append(n.asText()).append('\n'));
        return s.toString().stripTrailing();
    }

    private static List<String> strings(final JsonNode array) {
        final List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }
}
