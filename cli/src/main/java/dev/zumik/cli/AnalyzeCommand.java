package dev.zumik.cli;

import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.streams.analyze.AnalysisReport;
import dev.zumik.streams.analyze.Analyzer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zumik analyze FILE}: the streams app's reuse simulation on a trace file, offline. */
@Command(name = "analyze", description = {
        "Simulate prefix reuse on a trace file with the streams app's own code: per lane and cache policy, the token hit "
            + "ratio, prefix block ratio and mean per-request hit ratio, with length percentiles.",
        "%nPolicies: infinite, lru:TOKENS (1e6, 500k), ttl:DURATION (300s, 5m), managed[:TTL] (1,024-token minimum, 128-token steps)."})
final class AnalyzeCommand implements Callable<Integer> {
    static final String DEFAULT_CACHES = "infinite,lru:1e6,lru:1e7,ttl:300s,managed";

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The trace: Mooncake JSONL, Azure CSV, OpenAI request log, or an Avro file of shapes.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", required = true, description = "mooncake, azure, openai-log or shapes.")
    String format;

    @Option(names = "--cache", paramLabel = "POLICIES", defaultValue = DEFAULT_CACHES,
            description = "Comma-separated cache policies (default ${DEFAULT-VALUE}).")
    String caches;

    @Option(names = "--block-tokens", paramLabel = "B", defaultValue = "64",
            description = "Tokens per block when hashing text (openai-log; default ${DEFAULT-VALUE}); traces with block ids keep theirs (Mooncake: 512).")
    int blockTokens;

    @Option(names = "--lane", paramLabel = "PROVIDER/MODEL/ROUTE", defaultValue = "trace/model/analyze",
            description = "Lane of a trace that names none (default ${DEFAULT-VALUE}).")
    String lane;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the report as JSON to OUT.")
    Path json;

    @Option(names = "--profile", paramLabel = "NAME|FILE", split = ",",
            description = "Also simulate BYOC profiles' tier chains (shipped: dynamo, k8s-portable; or profile files).")
    List<String> profiles = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (blockTokens < 1) {
            throw ZumikException.usage("--block-tokens must be >= 1, got " + blockTokens);
        }
        Values.readableFile(null, file);
        if (json != null) {
            Values.writableFile("--json", json); // checked before the analysis, not after it
        }
        final List<CachePolicy> policies;
        try {
            policies = new ArrayList<>(CachePolicy.parseList(caches));
            for (final String p : profiles) {
                policies.add(Values.byocProfile("--profile", p).cachePolicy());
            }
            Lanes.parse(lane);
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
        final Analyzer analyzer = new Analyzer(policies);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        TraceFiles.read(file, format, lane, blockTokens, Instant.parse("2026-01-01T00:00:00Z"), err, analyzer::accept);
        final AnalysisReport report = analyzer.report();
        if (report.lanes().isEmpty()) {
            throw ZumikException.failure(file + ": no requests to analyze");
        }
        out.print(report.toTable());
        if (json != null) {
            try {
                Files.writeString(json, report.toJson());
            } catch (final IOException e) {
                throw ZumikException.failure("cannot write " + json + ": " + e.getMessage());
            }
            out.println("JSON report: " + json);
        }
        out.flush();
        return 0;
    }
}
