package dev.zumik.byoc.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Strict validation of a value against a CRD's structural OpenAPI v3 schema, as the API server applies it to a
 * new object with {@code kubectl --validate=strict}: defaults first, then types, enums, patterns, lengths, bounds,
 * required fields, unknown fields as errors (except under {@code x-kubernetes-preserve-unknown-fields} or an
 * {@code additionalProperties} schema), {@code x-kubernetes-int-or-string}, {@code x-kubernetes-embedded-resource},
 * list-type map/set uniqueness and the {@code x-kubernetes-validations} CEL rules. {@code x-zumik-core-type} (Zumik's
 * reduced schemas only) hands a subtree to the Kubernetes model ({@link CoreTypes}).
 */
public final class StructuralSchema {
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    /** What one validation found: errors ("path: problem") and the CEL rules evaluated or not. */
    public static final class Report {
        public final List<String> errors = new ArrayList<>();
        public int rulesEvaluated;
        public final Set<String> rulesNotEvaluated = new TreeSet<>();
    }

    private final CelRules cel;

    public StructuralSchema(final CelRules cel) {
        this.cel = cel;
    }

    /** Defaults {@code value} in place (as the API server does before validating), then validates it. */
    public Report validate(final JsonNode value, final JsonNode schema, final String path) {
        final Report report = new Report();
        applyDefaults(value, schema);
        check(value, schema, path, report, true);
        return report;
    }

    private static void applyDefaults(final JsonNode value, final JsonNode schema) {
        if (value instanceof ObjectNode object) {
            final JsonNode properties = schema.path("properties");
            properties.fields().forEachRemaining(p -> {
                if (!object.has(p.getKey()) && p.getValue().has("default")) {
                    object.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
            });
            object.fields().forEachRemaining(e -> {
                final JsonNode sub = properties.has(e.getKey()) ? properties.get(e.getKey())
                        : schema.path("additionalProperties").isObject() ? schema.get("additionalProperties") : null;
                if (sub != null) {
                    applyDefaults(e.getValue(), sub);
                }
            });
        } else if (value instanceof ArrayNode array && schema.has("items")) {
            array.forEach(item -> applyDefaults(item, schema.get("items")));
        }
    }

    private void check(final JsonNode value, final JsonNode schema, final String path, final Report r, final boolean strictFields) {
        if (schema.has("x-zumik-core-type")) {
            CoreTypes.embedded(schema.get("x-zumik-core-type").asText()).ifPresent(type -> CoreTypes.check(value, type, path, r.errors));
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false) && schema.has("type")) {
                r.errors.add(path + ": must not be null");
            }
            return;
        }
        if (!typeMatches(value, schema, path, r)) {
            return;
        }
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            r.errors.add(path + ": Unsupported value " + value + ": supported values " + schema.get("enum"));
        }
        if (value.isTextual()) {
            strings(value.asText(), schema, path, r);
        } else if (value.isNumber()) {
            bounds(value.asDouble(), schema, path, r);
        } else if (value.isArray()) {
            arrays((ArrayNode) value, schema, path, r);
        } else if (value.isObject()) {
            objects((ObjectNode) value, schema, path, r, strictFields);
        }
        for (final String combinator : List.of("allOf", "anyOf", "oneOf")) {
            if (schema.has(combinator)) {
                combine(combinator, value, schema.get(combinator), path, r);
            }
        }
        for (final JsonNode rule : schema.path("x-kubernetes-validations")) {
            final CelRules.Outcome outcome = cel.evaluate(rule.path("rule").asText(), value);
            if (!outcome.evaluated()) {
                if (!outcome.detail().startsWith("a transition rule")) {
                    r.rulesNotEvaluated.add(rule.path("rule").asText() + " (" + outcome.detail() + ")");
                }
                continue;
            }
            r.rulesEvaluated++;
            if (!outcome.holds()) {
                final String message = rule.has("message") ? rule.get("message").asText() : "failed rule: " + rule.path("rule").asText();
                r.errors.add(path + rule.path("fieldPath").asText("") + ": Invalid value: " + message
                        + (outcome.detail().startsWith("the rule could not") ? " (" + outcome.detail() + ")" : ""));
            }
        }
    }

    private static boolean typeMatches(final JsonNode value, final JsonNode schema, final String path, final Report r) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                r.errors.add(path + ": must be an integer or a string, got " + kind(value));
                return false;
            }
            return true;
        }
        final String type = schema.path("type").asText("");
        final boolean ok = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber() || value.isNumber() && value.asDouble() == Math.rint(value.asDouble());
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!ok) {
            r.errors.add(path + ": must be " + type + ", got " + kind(value));
        }
        return ok;
    }

    private static String kind(final JsonNode value) {
        return value.isObject() ? "object" : value.isArray() ? "array" : value.isTextual() ? "string \"" + value.asText() + "\""
                : value.isBoolean() ? "boolean" : value.isNumber() ? "number " + value : value.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static boolean contains(final JsonNode values, final JsonNode value) {
        for (final JsonNode v : values) {
            if (v.equals(value) || v.isNumber() && value.isNumber() && v.asDouble() == value.asDouble()) {
                return true;
            }
        }
        return false;
    }

    private static void strings(final String text, final JsonNode schema, final String path, final Report r) {
        if (schema.has("minLength") && text.codePointCount(0, text.length()) < schema.get("minLength").asInt()) {
            r.errors.add(path + ": must be at least " + schema.get("minLength").asInt() + " characters");
        }
        if (schema.has("maxLength") && text.codePointCount(0, text.length()) > schema.get("maxLength").asInt()) {
            r.errors.add(path + ": must be at most " + schema.get("maxLength").asInt() + " characters");
        }
        if (schema.has("pattern")) {
            final String regex = schema.get("pattern").asText();
            if (!PATTERNS.computeIfAbsent(regex, Pattern::compile).matcher(text).find()) {
                r.errors.add(path + ": \"" + text + "\" does not match " + regex);
            }
        }
    }

    private static void bounds(final double number, final JsonNode schema, final String path, final Report r) {
        if (schema.has("minimum")) {
            final double min = schema.get("minimum").asDouble();
            if (number < min || schema.path("exclusiveMinimum").asBoolean(false) && number == min) {
                r.errors.add(path + ": must be " + (schema.path("exclusiveMinimum").asBoolean(false) ? "> " : ">= ") + schema.get("minimum"));
            }
        }
        if (schema.has("maximum")) {
            final double max = schema.get("maximum").asDouble();
            if (number > max || schema.path("exclusiveMaximum").asBoolean(false) && number == max) {
                r.errors.add(path + ": must be " + (schema.path("exclusiveMaximum").asBoolean(false) ? "< " : "<= ") + schema.get("maximum"));
            }
        }
    }

    private void arrays(final ArrayNode array, final JsonNode schema, final String path, final Report r) {
        if (schema.has("minItems") && array.size() < schema.get("minItems").asInt()) {
            r.errors.add(path + ": must have at least " + schema.get("minItems").asInt() + " items");
        }
        if (schema.has("maxItems") && array.size() > schema.get("maxItems").asInt()) {
            r.errors.add(path + ": must have at most " + schema.get("maxItems").asInt() + " items");
        }
        final String listType = schema.path("x-kubernetes-list-type").asText("");
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            final JsonNode item = array.get(i);
            if (schema.has("items")) {
                check(item, schema.get("items"), path + "[" + i + "]", r, true);
            }
            final String key = "set".equals(listType) ? item.toString()
                    : "map".equals(listType) ? mapKey(item, schema.path("x-kubernetes-list-map-keys")) : null;
            if (key != null && !seen.add(key)) {
                r.errors.add(path + "[" + i + "]: Duplicate value: " + key);
            }
        }
    }

    private static String mapKey(final JsonNode item, final JsonNode keys) {
        final StringBuilder key = new StringBuilder("{");
        for (final JsonNode k : keys) {
            key.append('"').append(k.asText()).append("\":").append(item.path(k.asText())).append(',');
        }
        return key.append('}').toString();
    }

    private void objects(final ObjectNode object, final JsonNode schema, final String path, final Report r, final boolean strictFields) {
        final JsonNode properties = schema.path("properties");
        for (final JsonNode required : schema.path("required")) {
            if (!object.has(required.asText())) {
                r.errors.add(path + "." + required.asText() + ": Required value");
            }
        }
        final boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        final boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
        final JsonNode additional = schema.path("additionalProperties");
        final Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            final String at = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(field.getValue(), properties.get(field.getKey()), at, r, true);
            } else if (additional.isObject()) {
                check(field.getValue(), additional, at, r, true);
            } else if (embedded && List.of("apiVersion", "kind", "metadata").contains(field.getKey())) {
                continue;
            } else if (strictFields && !preserve && !additional.asBoolean(false) && (schema.has("properties") || additional.isBoolean()
                    || "object".equals(schema.path("type").asText()) && !schema.has("additionalProperties"))) {
                r.errors.add(at + ": unknown field \"" + field.getKey() + "\"");
            }
        }
        if (schema.has("maxProperties") && object.size() > schema.get("maxProperties").asInt()) {
            r.errors.add(path + ": must have at most " + schema.get("maxProperties").asInt() + " properties");
        }
        if (schema.has("minProperties") && object.size() < schema.get("minProperties").asInt()) {
            r.errors.add(path + ": must have at least " + schema.get("minProperties").asInt() + " properties");
        }
    }

    /** allOf, anyOf, oneOf: in a structural schema they only constrain, so their branches are checked without the unknown-field rule. */
    private void combine(final String combinator, final JsonNode value, final JsonNode branches, final String path, final Report r) {
        int passing = 0;
        final List<String> firstErrors = new ArrayList<>();
        for (final JsonNode branch : branches) {
            final Report b = new Report();
            check(value, branch, path, b, false);
            r.rulesEvaluated += b.rulesEvaluated;
            r.rulesNotEvaluated.addAll(b.rulesNotEvaluated);
            if (b.errors.isEmpty()) {
                passing++;
            } else if ("allOf".equals(combinator)) {
                r.errors.addAll(b.errors);
            } else if (firstErrors.isEmpty()) {
                firstErrors.addAll(b.errors);
            }
        }
        if ("anyOf".equals(combinator) && passing == 0 || "oneOf".equals(combinator) && passing != 1) {
            r.errors.add(path + ": must match " + ("anyOf".equals(combinator) ? "at least one" : "exactly one") + " of " + branches.size()
                    + " schemas (" + passing + " matched" + (firstErrors.isEmpty() ? "" : "; e.g. " + firstErrors.get(0)) + ")");
        }
    }
}
