package dev.zumik.byoc.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Core Kubernetes kinds checked strictly with fabric8's Kubernetes model (generated from the Kubernetes OpenAPI):
 * the document is read into the model, a value of the wrong type is an error naming its path, and every field the
 * model does not know (fabric8 keeps those in {@code additionalProperties}) is an unknown field, as
 * {@code kubectl --validate=strict} reports it.
 */
public final class CoreTypes {
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class), Map.entry("v1/Service", Service.class), Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class), Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class), Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class), Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class));

    /** Types a CRD schema embeds by name ({@code x-zumik-core-type} in Zumik's reduced schemas). */
    private static final Map<String, Class<?>> EMBEDDED = Map.of("PodTemplateSpec", PodTemplateSpec.class, "PodSpec", PodSpec.class,
            "EnvVar", EnvVar.class, "ObjectMeta", ObjectMeta.class);

    private CoreTypes() { }

    /** The model class of a core kind ({@code apiVersion/kind}), if this build checks it. */
    public static Optional<Class<?>> kind(final String apiVersion, final String kind) {
        return Optional.ofNullable(KINDS.get(apiVersion + "/" + kind));
    }

    /** The model class of an embedded core type, by name. */
    public static Optional<Class<?>> embedded(final String name) {
        return Optional.ofNullable(EMBEDDED.get(name));
    }

    /** Every known kind, for messages. */
    public static Collection<String> kinds() {
        return new TreeSet<>(KINDS.keySet());
    }

    /** Reads {@code value} into {@code type} and adds "path: problem" for each type error and unknown field. */
    public static void check(final JsonNode value, final Class<?> type, final String path, final List<String> errors) {
        final Object model;
        try {
            model = MAPPER.treeToValue(value, type);
        } catch (final JsonMappingException e) {
            final StringBuilder at = new StringBuilder(path);
            e.getPath().forEach(ref -> at.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]"));
            errors.add(at + ": " + e.getOriginalMessage().split("\n")[0]);
            return;
        } catch (final JsonProcessingException | IllegalArgumentException e) {
            errors.add(path + ": " + e.getMessage().split("\n")[0]);
            return;
        }
        unknownFields(model, path, errors);
    }

    /** Walks the model by its JSON property names; any field it kept as an additional property is unknown. */
    private static void unknownFields(final Object model, final String path, final List<String> errors) {
        if (model == null || !model.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> c = model.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (final Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                final Object value;
                try {
                    field.setAccessible(true);
                    value = field.get(model);
                } catch (final ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if ("additionalProperties".equals(field.getName())) {
                    if (value instanceof Map<?, ?> extra) {
                        extra.keySet().forEach(k -> errors.add(path + "." + k + ": unknown field \"" + k + "\""));
                    }
                    continue;
                }
                final JsonProperty property = field.getAnnotation(JsonProperty.class);
                final String name = property != null && !property.value().isEmpty() ? property.value() : field.getName();
                descend(value, path + "." + name, errors);
            }
        }
    }

    private static void descend(final Object value, final String path, final List<String> errors) {
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                descend(list.get(i), path + "[" + i + "]", errors);
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> descend(v, path + "." + k, errors));
        } else {
            unknownFields(value, path, errors);
        }
    }
}
