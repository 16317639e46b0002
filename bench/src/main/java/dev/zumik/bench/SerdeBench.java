package dev.zumik.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/**
 * Runs {@link SerdeBenchmark} and prints each Zumik operation as a ratio of its plain-Avro baseline
 * from the same run. Usage: {@code java -cp "bench/target/bench.jar:bench/target/lib/*" dev.zumik.bench.SerdeBench}
 */
public final class SerdeBench {
    private SerdeBench() { }

    public static void main(final String[] args) throws Exception {
        final Collection<RunResult> results = JmhRuns.run(SerdeBenchmark.class, "-Xmx1g");
        final Map<String, RunResult> byName = new HashMap<>();
        for (final RunResult result : results) {
            final String label = result.getParams().getBenchmark();
            byName.put(label.substring(label.lastIndexOf('.') + 1), result);
        }
        System.out.println();
        System.out.println("| operation | ops/s (± 99.9% CI) | baseline ops/s | ratio to baseline |");
        System.out.println("|---|---|---|---|");
        row(byName, "zumikSerialize", "baselinePlainAvroEncode");
        row(byName, "zumikDeserialize", "baselinePlainAvroDecode");
    }

    private static void row(final Map<String, RunResult> results, final String name, final String baseline) {
        final double score = results.get(name).getPrimaryResult().getScore();
        final double error = results.get(name).getPrimaryResult().getScoreError();
        final double base = results.get(baseline).getPrimaryResult().getScore();
        System.out.printf("| %s | %,.0f ± %,.0f | %,.0f (%s) | %.2f |%n", name, score, error, base, baseline, score / base);
    }
}
