package dev.zumik.replay.verdict;

import java.util.List;
import java.util.Map;

/**
 * One BYOC reason as the verdict tested it: where the reason came from ({@code diagnosis} or
 * {@code declared}), whether it holds, its test in words, the outcome codes, and the figures used.
 */
public record ReasonTest(String reason, String source, boolean holds, String test, List<String> outcome, Map<String, Double> figures) {
    public static final String FROM_DIAGNOSIS = "diagnosis";
    public static final String DECLARED = "declared";
}
