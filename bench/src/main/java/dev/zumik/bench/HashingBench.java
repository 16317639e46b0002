package dev.zumik.bench;


/**
 * Runs {@link HashingBenchmark}. Usage:
 * {@code java -cp "bench/target/bench.jar:bench/target/lib/*" dev.zumik.bench.HashingBench}
 */
public final class HashingBench {
    private HashingBench() { }

    public static void main(final String[] args) throws Exception {
        JmhRuns.run(HashingBenchmark.class);
    }
}
