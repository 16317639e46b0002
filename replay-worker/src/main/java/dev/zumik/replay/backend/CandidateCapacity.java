package dev.zumik.replay.backend;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many replicas stood behind the candidate when it was replayed: declared by the person
 * ({@code --candidate-replicas}), else read from the deployment's scheduler metrics at
 * {@code /metrics} of the candidate's host, by the names the schedulers publish: the endpoint
 * picker's ready pods ({@code inference_pool_ready_pods}, llm-d's {@code llm_d_epp_ready_endpoints})
 * or the distinct {@code worker_id}s of Dynamo's {@code dynamo_frontend_worker_active_decode_blocks}.
 * A plain Service publishes none of these: its count must be declared.
 */
public final class CandidateCapacity {
    private static final Pattern READY = Pattern.compile("^(inference_pool_ready_pods|llm_d_epp_ready_endpoints)(\\{[^}]*})?\\s+([0-9.eE+]+)",
            Pattern.MULTILINE);
    private static final Pattern WORKER = Pattern.compile("^dynamo_frontend_worker_active_decode_blocks\\{[^}]*worker_id=\"([^\"]*)\"",
            Pattern.MULTILINE);

    /** The tested replica count, or null when unknown, and where it came from. */
    public record Tested(Integer replicas, String source) { }

    private CandidateCapacity() { }

    public static Tested declared(final int replicas) {
        return new Tested(replicas, "declared (--candidate-replicas)");
    }

    /** Reads the count from the candidate's metrics; unknown (null replicas) when they cannot be read or name no count. */
    public static Tested probe(final Backend candidate, final Duration timeout) {
        final CandidateMetrics.Scrape scrape = CandidateMetrics.read(candidate, timeout);
        if (!scrape.ok()) {
            return new Tested(null, "unknown: " + scrape.problem());
        }
        return parse(scrape.text()).orElse(new Tested(null, "unknown: " + scrape.url() + " names no replica count (declare it with "
                + "--candidate-replicas)"));
    }

    /** The count a Prometheus text exposition states, if it states one. */
    public static Optional<Tested> parse(final String text) {
        final Matcher ready = READY.matcher(text);
        if (ready.find()) {
            return Optional.of(new Tested((int) Math.round(Double.parseDouble(ready.group(3))), "metrics: " + ready.group(1)));
        }
        final Set<String> workers = new TreeSet<>();
        final Matcher worker = WORKER.matcher(text);
        while (worker.find()) {
            workers.add(worker.group(1));
        }
        return workers.isEmpty() ? Optional.empty()
                : Optional.of(new Tested(workers.size(), "metrics: worker_id of dynamo_frontend_worker_active_decode_blocks"));
    }
}
