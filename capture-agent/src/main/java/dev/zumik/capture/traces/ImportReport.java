package dev.zumik.capture.traces;

import java.util.ArrayList;
import java.util.List;

/** What an import did: shapes written and lines skipped, with the first few reasons by line number. */
public final class ImportReport {
    private static final int KEPT_PROBLEMS = 20;

    private long imported;
    private long skipped;
    private final List<String> problems = new ArrayList<>();

    void imported() {
        imported++;
    }

    void skipped(final long line, final String reason) {
        skipped++;
        if (problems.size() < KEPT_PROBLEMS) {
            problems.add("line " + line + ": " + reason);
        }
    }

    public long importedCount() {
        return imported;
    }

    public long skippedCount() {
        return skipped;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** One-line summary. */
    public String summary() {
        return "imported " + imported + " shapes, skipped " + skipped + " bad lines"
                + (skipped > problems.size() ? " (first " + problems.size() + " listed)" : "");
    }
}
