package dev.zumik.byoc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Counts the components that pick a replica for a request in rendered documents, by what the real systems do:
 * Dynamo's frontend routes in its router mode ({@code DYN_ROUTER_MODE} or {@code --router-mode}: kv, round-robin by
 * default, random; {@code direct} defers to someone else), a Dynamo {@code epp} component picks, a KServe
 * LLMInferenceService with {@code router.scheduler} deploys llm-d's endpoint picker, an InferencePool with an
 * {@code endpointPickerRef} has an endpoint picker, and pods labelled {@code model.aibrix.ai/name} are routed by
 * AIBrix's gateway with its own {@code routing-strategy}. One path needs exactly one.
 */
public final class SchedulerCheck {
    /** A replica picker: the name a profile's replicaSelection uses, and where it is in the documents. */
    public record Picker(String name, String where) { }

    private SchedulerCheck() { }

    public static List<Picker> pickers(final List<Manifest> documents) {
        final List<Picker> out = new ArrayList<>();
        for (final Manifest m : documents) {
            final JsonNode spec = m.body().path("spec");
            switch (m.kind()) {
                case "DynamoGraphDeployment" -> dynamo(m, spec, out);
                case "LLMInferenceService" -> {
                    if (spec.path("router").has("scheduler")) {
                        out.add(new Picker("llm-d-endpoint-picker", m.where() + " .spec.router.scheduler"));
                    }
                    aibrix(m, spec.path("template").path("metadata"), ".spec.template", out);
                }
                case "InferencePool" -> {
                    if (spec.has("endpointPickerRef")) {
                        out.add(new Picker("gateway-api-inference-extension", m.where() + " .spec.endpointPickerRef "
                                + spec.path("endpointPickerRef").path("name").asText()));
                    }
                }
                case "Deployment" -> aibrix(m, spec.path("template").path("metadata"), ".spec.template", out);
                default -> { }
            }
        }
        return out;
    }

    private static void dynamo(final Manifest m, final JsonNode spec, final List<Picker> out) {
        final JsonNode components = spec.path("components");
        for (int i = 0; i < components.size(); i++) {
            final JsonNode c = components.get(i);
            final String at = m.where() + " .spec.components[" + i + "] " + c.path("name").asText();
            final String type = c.path("type").asText("");
            if ("epp".equals(type)) {
                out.add(new Picker("dynamo-epp", at));
            }
            final JsonNode containers = c.path("podTemplate").path("spec").path("containers");
            for (final JsonNode container : containers) {
                final boolean main = "main".equals(container.path("name").asText());
                final boolean sidecar = container.path("name").asText().equals(c.path("frontendSidecar").asText(null));
                if ("frontend".equals(type) && main || sidecar) {
                    final String mode = routerMode(spec, container);
                    if (!"direct".equals(mode)) {
                        out.add(new Picker("kv".equals(mode) ? "dynamo-kv-router" : "dynamo-frontend-" + mode, at + (sidecar ? " (frontend sidecar)" : "")
                                + " router mode " + mode));
                    }
                }
            }
            aibrix(m, c.path("podTemplate").path("metadata"), ".spec.components[" + i + "].podTemplate", out);
        }
    }

    /** The frontend's router mode: --router-mode in its args, else DYN_ROUTER_MODE in its or the graph's env, else Dynamo's default. */
    private static String routerMode(final JsonNode spec, final JsonNode container) {
        final List<String> words = new ArrayList<>();
        container.path("command").forEach(w -> words.add(w.asText()));
        container.path("args").forEach(w -> words.addAll(List.of(w.asText().split("\\s+"))));
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals("--router-mode") && i + 1 < words.size()) {
                return words.get(i + 1).toLowerCase(Locale.ROOT);
            }
            if (words.get(i).startsWith("--router-mode=")) {
                return words.get(i).substring("--router-mode=".length()).toLowerCase(Locale.ROOT);
            }
        }
        for (final JsonNode env : List.of(container.path("env"), spec.path("env"))) {
            for (final JsonNode e : env) {
                if ("DYN_ROUTER_MODE".equals(e.path("name").asText())) {
                    return e.path("value").asText().toLowerCase(Locale.ROOT);
                }
            }
        }
        return "round-robin";
    }

    private static void aibrix(final Manifest m, final JsonNode podMetadata, final String path, final List<Picker> out) {
        if (podMetadata.path("labels").has("model.aibrix.ai/name")) {
            out.add(new Picker("aibrix-gateway", m.where() + " " + path + ".metadata.labels model.aibrix.ai/name"));
        }
    }
}
