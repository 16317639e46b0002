package dev.zumik.byoc.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code x-kubernetes-validations} rules of a schema, evaluated with CEL-Java as the API server evaluates them
 * on create: {@code self} is the value at the rule's node, after defaulting. Rules that compare with {@code oldSelf}
 * (transition rules) cannot apply to a new object and are skipped; rules using a Kubernetes CEL library function that
 * CEL-Java does not have (quantity, url, ip, format) are counted as not evaluated, never as passed.
 */
public final class CelRules {
    /** A rule's outcome: held, failed (with the rule's message), or not evaluated (why). */
    public record Outcome(boolean evaluated, boolean holds, String detail) { }

    private final Cel cel = CelFactory.standardCelBuilder()
            .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(CelExtensions.strings(), CelExtensions.sets(CelOptions.DEFAULT))
            .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.sets(CelOptions.DEFAULT))
            .addVar("self", SimpleType.DYN)
            .build();
    private final Map<String, Optional<CelRuntime.Program>> programs = new ConcurrentHashMap<>();
    private final Map<String, String> compileErrors = new ConcurrentHashMap<>();

    /** Evaluates {@code rule} with {@code self} bound to {@code value}. */
    public Outcome evaluate(final String rule, final JsonNode value) {
        if (rule.contains("oldSelf")) {
            return new Outcome(false, true, "a transition rule (oldSelf): applies to updates only");
        }
        final Optional<CelRuntime.Program> program = programs.computeIfAbsent(rule, this::compile);
        if (program.isEmpty()) {
            return new Outcome(false, true, "not evaluated: " + compileErrors.get(rule));
        }
        try {
            final Object result = program.get().eval(Map.of("self", toCel(value)));
            return new Outcome(true, Boolean.TRUE.equals(result), String.valueOf(result));
        } catch (final CelEvaluationException e) {
            // the API server rejects an object whose rule cannot be evaluated on it (e.g. a missing key it selects)
            return new Outcome(true, false, "the rule could not be evaluated: " + e.getMessage());
        }
    }

    private Optional<CelRuntime.Program> compile(final String rule) {
        try {
            final CelAbstractSyntaxTree ast = cel.compile(rule).getAst();
            return Optional.of(cel.createProgram(ast));
        } catch (final CelValidationException | CelEvaluationException e) {
            compileErrors.put(rule, firstLine(e.getMessage()));
            return Optional.empty();
        }
    }

    private static String firstLine(final String message) {
        final String m = String.valueOf(message);
        final int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** A JSON value as CEL's runtime values: maps, lists, int64, double, string, bool, null. */
    static Object toCel(final JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (node.isObject()) {
            final Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), toCel(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            final List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(toCel(n)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }
}
