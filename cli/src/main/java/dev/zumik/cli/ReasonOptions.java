package dev.zumik.cli;

import dev.zumik.core.decision.ByocReason;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Why a person asks for a replay: the BYOC reasons to test, an SLO for this replay, and a reference to a
 * quality evaluation of the model swap. Shared by {@code replay --trace} and {@code replay request}.
 */
final class ReasonOptions {
    @Option(names = "--reason", paramLabel = "REASON", split = ",",
            description = "A reason to move that the replay tests: slo, hot-volume or isolation (repeatable). With none, the verdict is "
                    + "STAY [NO_BYOC_REASON].")
    List<String> reasons = new ArrayList<>();

    @Option(names = "--slo", paramLabel = "ttft=DURATION|e2e=DURATION", split = ",",
            description = "A p99 latency objective for this replay, in place of the lane policy's, e.g. --slo ttft=800ms,e2e=20s.")
    List<String> slo = new ArrayList<>();

    @Option(names = "--quality-evidence", paramLabel = "URI",
            description = "A reference to an evaluation of the profile's model against the lane's managed model; recorded in the verdict, not judged.")
    String qualityEvidence;

    @Option(names = "--accept-partial-coverage", description = "Accept a verdict priced from less than one full week of captured traffic "
            + "(without it such a verdict cannot be MOVE); recorded in the verdict.")
    boolean acceptPartialCoverage;

    List<ByocReason> reasons() {
        final LinkedHashSet<ByocReason> out = new LinkedHashSet<>();
        for (final String word : reasons) {
            try {
                out.add(ByocReason.parse(word));
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage("--reason: " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    Double ttftMs() {
        return sloMs("ttft");
    }

    Double e2eMs() {
        return sloMs("e2e");
    }

    private Double sloMs(final String name) {
        Double found = null;
        for (final String item : slo) {
            final String[] kv = item.split("=", 2);
            if (kv.length != 2 || !kv[0].equals("ttft") && !kv[0].equals("e2e")) {
                throw ZumikException.usage("--slo: give ttft=DURATION or e2e=DURATION (e.g. ttft=800ms), got '" + item + "'");
            }
            final Duration d;
            try {
                d = new DurationConverter().convert(kv[1]);
            } catch (final RuntimeException e) {
                throw ZumikException.usage("--slo " + kv[0] + ": " + e.getMessage());
            }
            if (d.isZero() || d.isNegative()) {
                throw ZumikException.usage("--slo " + kv[0] + " must be > 0, got " + kv[1]);
            }
            if (kv[0].equals(name)) {
                found = d.toNanos() / 1e6;
            }
        }
        return found;
    }

    String qualityEvidence() {
        if (qualityEvidence == null) {
            return null;
        }
        try {
            final URI uri = new URI(qualityEvidence);
            if (uri.getScheme() == null) {
                throw new URISyntaxException(qualityEvidence, "a URI with a scheme is required (https://..., s3://..., file:...)");
            }
            return qualityEvidence;
        } catch (final URISyntaxException e) {
            throw ZumikException.usage("--quality-evidence: " + e.getMessage());
        }
    }
}
