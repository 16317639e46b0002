package dev.zumik.core.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads Zumik's YAML (or JSON) configuration files into records, refusing unknown fields, with
 * errors that name the file, the field path and the problem.
 */
public final class YamlConfig {
    public static final ObjectMapper MAPPER = JsonMapper.builder(new YAMLFactory())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private YamlConfig() { }

    public static <T> T read(final Path file, final Class<T> type) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), type);
        } catch (final IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** {@code value} as YAML that {@link #read} reads back: fields in declaration order, absent ones left out. */
    public static String write(final Object value) {
        try {
            return MAPPER.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL)
                    .writeValueAsString(value);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML: " + e.getMessage(), e);
        }
    }

    /** A shipped default from the class path, e.g. {@code /dev/zumik/core/defaults/prices.yaml}. */
    public static <T> T resource(final String path, final Class<T> type) {
        try (InputStream in = YamlConfig.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return read(in, path, type);
        } catch (final IOException e) {
            throw new IllegalStateException(path + ": " + e.getMessage(), e);
        }
    }

    private static <T> T read(final InputStream in, final String source, final Class<T> type) throws IOException {
        try {
            final JsonNode tree = MAPPER.readTree(in);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new IllegalArgumentException(source + ": the file is empty");
            }
            // unknown fields first: a misspelt key would otherwise show up as its correct twin being "required"
            unknownField(tree, type, "").ifPresent(problem -> {
                throw new IllegalArgumentException(source + ": " + problem);
            });
            return MAPPER.treeToValue(tree, type);
        } catch (final JsonMappingException e) {
            final String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            throw new IllegalArgumentException(source + ": " + (field.isEmpty() ? "" : field + ": ") + problem(e), e);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** What is wrong with a value, in the file's terms rather than Jackson's. */
    private static String problem(final JsonMappingException e) {
        final String message = e.getOriginalMessage().lines().findFirst().orElse("invalid");
        if (message.startsWith("Cannot map `null` into type")) {
            return "is required";
        }
        if (e instanceof InvalidFormatException f) {
            return "expected " + kind(f.getTargetType()) + ", got '" + f.getValue() + "'";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "expected " + kind(m.getTargetType()) + " here";
        }
        return message;
    }

    private static String kind(final Class<?> type) {
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class || type == short.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a single text value";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return type.isEnum() ? "one of " + Arrays.toString(type.getEnumConstants()) : "a mapping of fields";
    }

    /** The first key of the tree that is not a field of {@code type} (records, nested records and lists of them), with the nearest field. */
    private static Optional<String> unknownField(final JsonNode node, final Type type,
                                                           final String path) {
        final Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType()
                : type instanceof Class<?> c ? c : Object.class;
        if (List.class.isAssignableFrom(raw) && node.isArray() && type instanceof ParameterizedType p) {
            for (int i = 0; i < node.size(); i++) {
                final Optional<String> found = unknownField(node.get(i), p.getActualTypeArguments()[0], path + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        if (!raw.isRecord() || !node.isObject()) {
            return Optional.empty();
        }
        final Map<String, Type> fields = new LinkedHashMap<>();
        for (final RecordComponent c : raw.getRecordComponents()) {
            final JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
            fields.put(named != null && !named.value().isEmpty() ? named.value() : c.getName(), c.getGenericType());
        }
        for (final Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            final String name = names.next();
            final String at = path.isEmpty() ? name : path + "." + name;
            if (!fields.containsKey(name)) {
                final String nearest = fields.keySet().stream().min(Comparator.comparingInt(f -> distance(f, name))).orElse(null);
                return Optional.of(at + ": unknown field" + (nearest != null && distance(nearest, name) <= Math.max(2, name.length() / 3)
                        ? " (did you mean " + nearest + "?)" : "; known: " + String.join(", ", fields.keySet())));
            }
            final Optional<String> inner = unknownField(node.get(name), fields.get(name), at);
            if (inner.isPresent()) {
                return inner;
            }
        }
        return Optional.empty();
    }

    /** Edit distance, for "did you mean". */
    public static int distance(final String a, final String b) {
        final int[] prev = new int[b.length() + 1];
        final int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            System.arraycopy(cur, 0, prev, 0, cur.length);
        }
        return prev[b.length()];
    }
}
