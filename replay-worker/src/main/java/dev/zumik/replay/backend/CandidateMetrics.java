package dev.zumik.replay.backend;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The candidate's Prometheus text at {@code /metrics} of its host: what its scheduler and runtime publish about themselves. */
public final class CandidateMetrics {

    /** The text read from {@code url}, or null with {@code problem} saying why there is none. */
    public record Scrape(URI url, String text, String problem) {
        public boolean ok() {
            return text != null;
        }
    }

    private CandidateMetrics() { }

    /** The scheduler's (or single server's) metrics at the candidate host's {@code /metrics}. */
    public static Scrape read(final Backend candidate, final Duration timeout) {
        return read(candidate.hostMetrics(), timeout);
    }

    /** Every replica's runtime metrics ({@link Backend#runtimeMetrics()}), in order. */
    public static List<Scrape> readRuntimes(final Backend candidate, final Duration timeout) {
        return candidate.runtimeMetrics().stream().map(url -> read(url, timeout)).toList();
    }

    public static Scrape read(final URI metrics, final Duration timeout) {
        try {
            final HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(timeout).build().send(
                    HttpRequest.newBuilder(metrics).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? new Scrape(metrics, response.body(), null)
                    : new Scrape(metrics, null, metrics + " answered " + response.statusCode());
        } catch (final IOException | IllegalArgumentException e) {
            return new Scrape(metrics, null, "cannot read " + metrics + " (" + e.getMessage() + ")");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Scrape(metrics, null, "interrupted");
        }
    }
}
