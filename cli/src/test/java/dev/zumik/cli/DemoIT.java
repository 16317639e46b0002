package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both demo scenarios end to end, as a user runs them: the decision must be the scenario's ground
 * truth (the Mooncake slice is worth moving under the lane's SLOs; the shared-prompt chat lane is
 * not, and is never replayed), the verdict must verify, and its HTML report must load in headless
 * Chromium with no console error and no network.
 */
class DemoIT {
    private static final Path NODE_DIR = Path.of("../sdk-conformance");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void shouldMoveTheLaneThatRequiresIsolationOnAVerifiedVerdictWhoseReportOpensInABrowser(@TempDir final Path dir) throws Exception {
        // when
        final ZumikCommandTest.Run run = ZumikCommandTest.run("demo", "--dir", dir.toString());
        // then
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("REPLAY_CANDIDATE (ISOLATION_REQUIRED)",
                "verified: signature by key", "window digest recomputed",
                "Verdict: MOVE (ISOLATION_REQUIRED, CAPABILITIES_MET, WITHIN_ACCEPTED_PREMIUM, SLO_NO_WORSE, PARTIAL_COVERAGE_ACCEPTED)", "report.html");
        final Path report;
        try (Stream<Path> files = Files.walk(dir.resolve("verdicts"))) {
            report = files.filter(p -> p.getFileName().toString().equals("report.html")).findFirst().orElseThrow();
        }
        final ZumikCommandTest.Run verify = ZumikCommandTest.run("verify", report.resolveSibling("verdict.dsse.json").toString(),
                "--key", dir.resolve("keys/signing.pub").toString());
        assertThat(verify.exitCode()).as(verify.err()).isZero();

        // and the report loads in a real browser
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core")),
                "browser check skipped: needs Debian's chromium and npm ci --prefix sdk-conformance (.ci/run installs both)");
        final Path screenshot = Path.of("target/demo-report.png").toAbsolutePath();
        final Process node = new ProcessBuilder("node", "report_check.mjs", report.toAbsolutePath().toString(), screenshot.toString(),
                CHROMIUM.toString()).directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        final String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("\"heading\":\"Verdict: MOVE\"", "\"svgs\":3", "\"errors\":[]");
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    @Test
    void shouldStayManagedWithoutAReplayWhenManagedCachingCapturesTheReuse(@TempDir final Path dir) throws IOException {
        // when
        final ZumikCommandTest.Run run = ZumikCommandTest.run("demo", "--scenario", "stay", "--dir", dir.toString());
        // then
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Diagnosis: STAY_MANAGED", "MANAGED_ALREADY_CAPTURES", "replay requested: no",
                "why: MANAGED_ALREADY_CAPTURES: managed prompt caching already captures the reuse there is");
        assertThat(dir.resolve("verdicts")).doesNotExist();
    }
}
