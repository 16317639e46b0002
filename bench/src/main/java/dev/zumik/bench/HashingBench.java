package dev.zumik.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link HashingBenchmark}. Usage:
 * {@code java -cp "bench/target/bench.jar:bench/target/lib/*" dev.zumik.bench.HashingBench}
 */
public final class HashingBench {
    private HashingBench() { }

    public static void main(final String[] args) throws Exception {
        final Options options = new OptionsBuilder()
                .include(HashingBenchmark.class.getName())
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                .build();
        new Runner(options).run();
    }
}
