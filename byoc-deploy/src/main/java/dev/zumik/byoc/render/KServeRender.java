package dev.zumik.byoc.render;

import static dev.zumik.byoc.render.Json.arr;
import static dev.zumik.byoc.render.Json.obj;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.decision.Isolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kserve-vllm render: one LLMInferenceService (serving.kserve.io/v1alpha2). KServe creates from it the vLLM pods,
 * the InferencePool, llm-d's endpoint picker (configured inline here: prefix-cache, queue and KV-utilization scorers,
 * max-score picker) and the HTTPRoute on the given Gateway, so nothing else picks replicas. vLLM reports cached
 * tokens ({@code --enable-prompt-tokens-details}) with prefix caching on; the profile's offload tiers become
 * {@code kvCacheOffloading} (CPU, then a filesystem).
 */
final class KServeRender {
    static final int VLLM_PORT = 8000;

    private KServeRender() { }

    static List<ObjectNode> documents(final RenderRequest r, final TierPlan tiers, final Versions v) {
        final ByocProfile p = r.profile();
        final int page = p.deploy().pageSize() == null ? 16 : p.deploy().pageSize();
        final List<ObjectNode> env = new ArrayList<>();
        env.add(obj("name", "VLLM_ADDITIONAL_ARGS", "value", "--enable-prompt-tokens-details --enable-prefix-caching --block-size " + page));
        if (p.capabilities().contains(Isolation.RUNTIME_CONFIRMED_DELETION)) {
            // vLLM mounts /reset_prefix_cache only in dev mode: the deletion drill calls it on each pod, inside the namespace
            env.add(obj("name", "VLLM_SERVER_DEV_MODE", "value", "1"));
        }
        final ObjectNode metadataLabels = obj("zumik.dev/role", "serving", "app.kubernetes.io/instance", r.name());
        if (p.stack().contains("aibrix-gateway")) {
            metadataLabels.put("model.aibrix.ai/name", p.model().name().replace('/', '-').toLowerCase(Locale.ROOT));
        }
        final ObjectNode template = obj("containers", arr(obj("name", "main", "env", env,
                        "resources", obj("limits", obj("nvidia.com/gpu", String.valueOf(p.gpu().perReplica())),
                                "requests", obj("nvidia.com/gpu", String.valueOf(p.gpu().perReplica()))))));
        NetworkIsolation.pinRegion(template, r);
        final ObjectNode spec = obj("labels", metadataLabels, "model", obj("uri", "hf://" + p.model().name(), "name", p.model().name()),
                "replicas", r.replicas(), "parallelism", obj("tensor", p.gpu().perReplica()));
        tiers.hostBytes().ifPresent(cpu -> {
            final ObjectNode offloading = obj("cpu", String.valueOf(cpu));
            tiers.storageBytes().ifPresent(disk -> offloading.set("secondary", arr(obj("fileSystem", obj("emptyDir", obj("size", String.valueOf(disk)))))));
            spec.set("kvCacheOffloading", offloading);
        });
        spec.set("router", obj("scheduler", obj("config", obj("inline", pickerConfig())),
                "route", obj(), "gateway", obj("refs", arr(obj("name", r.gatewayName(), "namespace", r.gatewayNamespace())))));
        spec.set("template", template);
        return List.of(obj("apiVersion", "serving.kserve.io/v1alpha2", "kind", "LLMInferenceService", "metadata", r.metadata(r.name()), "spec", spec));
    }

    /** llm-d's EndpointPickerConfig: the prefix-cache, queue and KV-utilization scorers (weights of llm-d's chart), one max-score picker. */
    static ObjectNode pickerConfig() {
        return obj("apiVersion", "llm-d.ai/v1alpha1", "kind", "EndpointPickerConfig",
                "plugins", arr(obj("type", "single-profile-handler"), obj("type", "prefix-cache-scorer"), obj("type", "queue-scorer"),
                        obj("type", "kv-cache-utilization-scorer"), obj("type", "max-score-picker")),
                "schedulingProfiles", arr(obj("name", "default", "plugins", arr(obj("pluginRef", "prefix-cache-scorer", "weight", 3),
                        obj("pluginRef", "queue-scorer", "weight", 2), obj("pluginRef", "kv-cache-utilization-scorer", "weight", 2),
                        obj("pluginRef", "max-score-picker")))));
    }
}
