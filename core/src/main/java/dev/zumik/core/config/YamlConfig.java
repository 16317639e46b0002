package dev.zumik.core.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
            final T value = MAPPER.readValue(in, type);
            if (value == null) {
                throw new IllegalArgumentException(source + ": the file is empty");
            }
            return value;
        } catch (final JsonMappingException e) {
            final String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            final String message = e.getOriginalMessage().lines().findFirst().orElse("invalid");
            throw new IllegalArgumentException(source + ": " + (field.isEmpty() ? "" : field + ": ")
                    + (message.startsWith("Cannot map `null` into type") ? "is required" : message), e);
        } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
    }
}
