package dev.zumik.replay.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.zumik.replay.ReplayJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a verdict's files: {@code verdict.dsse.json} (the envelope alone), {@code report.json} and {@code report.html}. */
public final class ReportFiles {
    public static final String ENVELOPE = "verdict.dsse.json";
    public static final String JSON_REPORT = "report.json";
    public static final String HTML_REPORT = "report.html";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFiles() { }

    /** Writes into {@code dir} (created if needed) and returns the HTML report's path. */
    public static Path write(final Path dir, final ReplayJob.Result result) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(ENVELOPE), result.envelope(), StandardCharsets.UTF_8);
            JSON.writeValue(dir.resolve(JSON_REPORT).toFile(), result.report());
            final Path html = dir.resolve(HTML_REPORT);
            Files.writeString(html, HtmlReport.render(result.report(), result.baseline(), result.candidate()), StandardCharsets.UTF_8);
            return html;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the verdict to " + dir + ": " + e.getMessage(), e);
        }
    }
}
