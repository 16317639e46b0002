package dev.zumik.byoc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.byoc.schema.CelRules;
import dev.zumik.byoc.schema.CoreTypes;
import dev.zumik.byoc.schema.Schemas;
import dev.zumik.byoc.schema.StructuralSchema;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates Kubernetes documents strictly: a CRD kind against its pinned schema ({@link Schemas}, {@link StructuralSchema}),
 * a core kind against the Kubernetes model ({@link CoreTypes}), every {@code metadata} as an ObjectMeta, and the
 * configurations that ride inside a CRD's free-form field (an LLMInferenceService's inline scheduler config, a Dynamo
 * EPP component's config) against their own schema. A kind with no pinned schema is an error, never a pass.
 */
public final class ManifestValidator {
    /** One document's findings: its errors with their paths, and the CEL rules that could not be evaluated. */
    public record Result(Manifest manifest, String schema, List<String> errors, int rulesEvaluated, Set<String> rulesNotEvaluated) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    private static final String EPP_CONFIG = "llm-d.ai/v1alpha1";

    private final Schemas schemas = Schemas.load();
    private final StructuralSchema structural = new StructuralSchema(new CelRules());

    public List<Result> validate(final List<Manifest> manifests) {
        return manifests.stream().map(this::validate).toList();
    }

    public Result validate(final Manifest manifest) {
        final ObjectNode body = manifest.body().deepCopy();
        final List<String> errors = new ArrayList<>();
        final Set<String> notEvaluated = new TreeSet<>();
        int rules = 0;
        if (manifest.apiVersion().isEmpty() || manifest.kind().isEmpty()) {
            errors.add(": apiVersion and kind are required");
            return new Result(manifest, "", errors, 0, notEvaluated);
        }
        final Optional<Schemas.Entry> crd = schemas.forKind(manifest.apiVersion(), manifest.kind());
        final Optional<Class<?>> core = CoreTypes.kind(manifest.apiVersion(), manifest.kind());
        final String schema;
        if (crd.isPresent()) {
            schema = "infra/byoc/" + crd.get().file();
            // a CRD's schema leaves metadata to the API server, which checks it as an ObjectMeta
            final JsonNode metadata = body.remove("metadata");
            if (metadata != null) {
                CoreTypes.check(metadata, ObjectMeta.class, ".metadata", errors);
            }
            final StructuralSchema.Report report = structural.validate(body, crd.get().schema(), "");
            errors.addAll(report.errors);
            rules += report.rulesEvaluated;
            notEvaluated.addAll(report.rulesNotEvaluated);
            for (final Embedded e : embedded(manifest, body)) {
                final StructuralSchema.Report inner = structural.validate(e.value(), schemas.forKind(EPP_CONFIG, "EndpointPickerConfig")
                        .orElseThrow().schema(), e.path());
                errors.addAll(inner.errors);
                rules += inner.rulesEvaluated;
                notEvaluated.addAll(inner.rulesNotEvaluated);
            }
        } else if (core.isPresent()) {
            schema = "the Kubernetes model (fabric8 kubernetes-model)";
            CoreTypes.check(body, core.get(), "", errors);
        } else {
            schema = "";
            errors.add(": no pinned schema for " + manifest.apiVersion() + " " + manifest.kind() + " (known: CRDs " + String.join(", ", schemas.kinds())
                    + "; core kinds " + String.join(", ", CoreTypes.kinds()) + ")");
        }
        return new Result(manifest, schema, errors, rules, notEvaluated);
    }

    private record Embedded(String path, JsonNode value) { }

    /** EndpointPickerConfigs inside free-form fields: KServe's router.scheduler.config.inline, Dynamo's eppConfig.config. */
    private static List<Embedded> embedded(final Manifest manifest, final ObjectNode body) {
        final List<Embedded> out = new ArrayList<>();
        if ("LLMInferenceService".equals(manifest.kind())) {
            final JsonNode inline = body.path("spec").path("router").path("scheduler").path("config").path("inline");
            if (inline.isObject()) {
                out.add(new Embedded(".spec.router.scheduler.config.inline", inline.deepCopy()));
            }
        }
        if ("DynamoGraphDeployment".equals(manifest.kind())) {
            final JsonNode components = body.path("spec").path("components");
            for (int i = 0; i < components.size(); i++) {
                final JsonNode config = components.get(i).path("eppConfig").path("config");
                if (config.isObject()) {
                    out.add(new Embedded(".spec.components[" + i + "].eppConfig.config", config.deepCopy()));
                }
            }
        }
        return out;
    }
}
