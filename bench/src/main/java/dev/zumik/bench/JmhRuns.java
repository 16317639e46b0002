package dev.zumik.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH settings every Zumik micro-benchmark uses: one fork, 3 × 2 s warm-up, 5 × 2 s measured. */
final class JmhRuns {
    private JmhRuns() { }

    static Collection<RunResult> run(final Class<?> benchmark, final String... jvmArgs) throws RunnerException {
        return new Runner(new OptionsBuilder()
                .include(benchmark.getName())
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                .jvmArgsAppend(jvmArgs)
                .build()).run();
    }
}
