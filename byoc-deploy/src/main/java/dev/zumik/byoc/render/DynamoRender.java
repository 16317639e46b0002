package dev.zumik.byoc.render;

import static dev.zumik.byoc.render.Json.arr;
import static dev.zumik.byoc.render.Json.obj;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.core.cost.ByocProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dynamo-sglang render: a DynamoGraphDeployment (nvidia.com/v1beta1) whose frontend runs Dynamo's KV router
 * ({@code DYN_ROUTER_MODE=kv}) over SGLang workers ({@code python3 -m dynamo.sglang}: page size, KV events, metrics and
 * cache report on, HiCache host tier and Mooncake storage backend per the profile's tiers), optionally split into
 * prefill and decode workers with Mooncake transfer; a Mooncake master; and an AIBrix PodAutoscaler that scales the
 * workers through the graph's scaling adapter, never routes. Components the profile's stack adds in front of the
 * frontend (an inference pool's endpoint picker, AIBrix's gateway) are rendered as the stack says, so that the
 * one-scheduler check sees them.
 */
final class DynamoRender {
    static final int FRONTEND_PORT = 8000;
    static final int SYSTEM_PORT = 9090;
    static final int MOONCAKE_RPC = 50051;
    static final int MOONCAKE_METADATA = 8080;
    static final int MOONCAKE_METRICS = 9003;
    static final int KV_EVENTS_PORT = 5557;

    private DynamoRender() { }

    static List<ObjectNode> documents(final RenderRequest r, final TierPlan tiers, final Versions v) {
        final ByocProfile p = r.profile();
        final boolean disaggregated = Boolean.TRUE.equals(p.deploy().disaggregated());
        if (disaggregated && r.replicas() < 2) {
            throw new IllegalArgumentException(p.name() + ": deploy.disaggregated needs at least 2 replicas (one prefill, one decode), got "
                    + r.replicas());
        }
        final String image = v.get("dynamo.sglangRuntimeImage");
        final String master = r.name() + "-mooncake-master";
        final List<ObjectNode> docs = new ArrayList<>();
        final List<ObjectNode> components = new ArrayList<>();
        final ObjectNode frontendLabels = obj("zumik.dev/role", "serving");
        if (p.stack().contains("aibrix-gateway")) {
            frontendLabels.put("model.aibrix.ai/name", p.model().name().replace('/', '-').toLowerCase(Locale.ROOT));
        }
        components.add(obj("name", "Frontend", "type", "frontend", "replicas", 1,
                "podTemplate", pod(r, frontendLabels, obj("name", "main", "image", image,
                        "env", arr(obj("name", "DYN_ROUTER_MODE", "value", "kv"), obj("name", "DYN_HTTP_PORT", "value", String.valueOf(FRONTEND_PORT))),
                        "ports", arr(obj("name", "http", "containerPort", FRONTEND_PORT))))));
        final boolean scales = p.scalesHourly() && p.stack().contains("aibrix-autoscaler");
        if (disaggregated) {
            final int prefill = r.replicas() / 2;
            components.add(worker(r, tiers, image, master, "prefill", "prefill", prefill, scales));
            components.add(worker(r, tiers, image, master, "decode", "decode", r.replicas() - prefill, scales));
        } else {
            components.add(worker(r, tiers, image, master, "worker", null, r.replicas(), scales));
        }
        docs.add(obj("apiVersion", "nvidia.com/v1beta1", "kind", "DynamoGraphDeployment", "metadata", r.metadata(r.name()),
                "spec", obj("backendFramework", "sglang", "components", components)));
        if (tiers.storageBytes().isPresent() || disaggregated) {
            docs.addAll(mooncakeMaster(r, master, v.get("dynamo.mooncakeMasterImage")));
        }
        if (scales) {
            for (final ObjectNode c : components.subList(1, components.size())) {
                final String component = c.get("name").asText();
                docs.add(obj("apiVersion", "autoscaling.aibrix.ai/v1alpha1", "kind", "PodAutoscaler", "metadata", r.metadata(r.name() + "-" + component),
                        "spec", obj("scaleTargetRef", obj("apiVersion", "nvidia.com/v1beta1", "kind", "DynamoGraphDeploymentScalingAdapter",
                                        "name", r.name() + "-" + component.toLowerCase(Locale.ROOT)),
                                "minReplicas", Math.max(1, c.get("replicas").asInt() * r.minReplicas() / r.replicas()),
                                "maxReplicas", c.get("replicas").asInt(), "scalingStrategy", "KPA",
                                "metricsSources", arr(obj("metricSourceType", "pod", "protocolType", "http", "port", String.valueOf(SYSTEM_PORT),
                                        "path", "/metrics", "targetMetric", "sglang:num_queue_reqs", "targetValue", "4")))));
            }
        }
        if (p.stack().contains("gateway-api-inference-extension") || p.stack().contains("llm-d-router")) {
            // the stack puts an inference pool's endpoint picker in front of the frontend: rendered, so the check sees it
            docs.add(obj("apiVersion", "inference.networking.k8s.io/v1", "kind", "InferencePool", "metadata", r.metadata(r.name()),
                    "spec", obj("selector", obj("matchLabels", obj("zumik.dev/role", "serving", "app.kubernetes.io/instance", r.name())),
                            "targetPorts", arr(obj("number", FRONTEND_PORT)),
                            "endpointPickerRef", obj("name", r.name() + "-epp", "port", obj("number", 9002)))));
        }
        return docs;
    }

    private static ObjectNode worker(final RenderRequest r, final TierPlan tiers, final String image, final String master, final String name,
                                     final String disaggregationMode, final int replicas, final boolean scales) {
        final ByocProfile p = r.profile();
        final int tp = p.gpu().perReplica();
        final List<String> args = new ArrayList<>(List.of("--model-path", p.model().name(), "--served-model-name", p.model().name(),
                "--tp", String.valueOf(tp), "--page-size", String.valueOf(p.deploy().pageSize() == null ? 16 : p.deploy().pageSize()),
                "--kv-events-config", "{\"publisher\":\"zmq\",\"topic\":\"kv-events\",\"endpoint\":\"tcp://*:" + KV_EVENTS_PORT + "\"}",
                "--enable-metrics", "--enable-cache-report"));
        final List<ObjectNode> env = new ArrayList<>(List.of(obj("name", "DYN_SYSTEM_ENABLED", "value", "true"),
                obj("name", "DYN_SYSTEM_PORT", "value", String.valueOf(SYSTEM_PORT))));
        tiers.hostBytes().ifPresent(bytes -> {
            // --hicache-size is the host pool in GB per tensor-parallel rank
            args.addAll(List.of("--enable-hierarchical-cache", "--hicache-size", String.valueOf(Math.max(1, bytes / 1_000_000_000L / tp))));
            tiers.storageBytes().ifPresent(storage -> {
                args.addAll(List.of("--hicache-storage-backend", "mooncake"));
                env.add(obj("name", "MOONCAKE_GLOBAL_SEGMENT_SIZE", "value", String.valueOf(storage)));
            });
        });
        if (disaggregationMode != null) {
            args.addAll(List.of("--disaggregation-mode", disaggregationMode, "--disaggregation-transfer-backend", "mooncake",
                    "--disaggregation-bootstrap-port", "12345"));
        }
        if (tiers.storageBytes().isPresent() || disaggregationMode != null) {
            final String host = master + "." + r.namespace() + ".svc";
            env.add(obj("name", "MOONCAKE_MASTER", "value", host + ":" + MOONCAKE_RPC));
            env.add(obj("name", "MOONCAKE_TE_META_DATA_SERVER", "value", "http://" + host + ":" + MOONCAKE_METADATA + "/metadata"));
            env.add(obj("name", "MOONCAKE_PROTOCOL", "value", "tcp"));
        }
        final ObjectNode container = obj("name", "main", "image", image, "command", arr("python3", "-m", "dynamo.sglang"), "args", args,
                "env", env, "envFrom", arr(obj("secretRef", obj("name", "hf-token-secret"))),
                "ports", arr(obj("name", "system", "containerPort", SYSTEM_PORT)),
                "resources", obj("limits", obj("nvidia.com/gpu", String.valueOf(tp)), "requests", obj("nvidia.com/gpu", String.valueOf(tp))));
        return obj("name", name, "type", disaggregationMode == null ? "worker" : disaggregationMode, "replicas", replicas,
                "scalingAdapter", scales ? obj() : null, "sharedMemorySize", "16Gi",
                "podTemplate", pod(r, obj("zumik.dev/role", "engine"), container));
    }

    /** A pod template with the region pinned when asked. */
    static ObjectNode pod(final RenderRequest r, final ObjectNode labels, final ObjectNode container) {
        labels.put("app.kubernetes.io/instance", r.name());
        return obj("metadata", obj("labels", labels), "spec", NetworkIsolation.pinRegion(obj("containers", arr(container)), r));
    }

    private static List<ObjectNode> mooncakeMaster(final RenderRequest r, final String name, final String image) {
        final ObjectNode selector = obj("app.kubernetes.io/name", name);
        final ObjectNode podLabels = obj("app.kubernetes.io/name", name, "app.kubernetes.io/instance", r.name(), "zumik.dev/role", "storage");
        final ObjectNode podSpec = obj("containers", arr(obj("name", "master", "image", image, "command", arr("mooncake_master"),
                "args", arr("--port=" + MOONCAKE_RPC, "--enable_http_metadata_server=true", "--http_metadata_server_port=" + MOONCAKE_METADATA,
                        "--metrics_port=" + MOONCAKE_METRICS),
                "ports", arr(obj("name", "rpc", "containerPort", MOONCAKE_RPC), obj("name", "metadata", "containerPort", MOONCAKE_METADATA),
                        obj("name", "metrics", "containerPort", MOONCAKE_METRICS)))));
        NetworkIsolation.pinRegion(podSpec, r);
        return List.of(
                obj("apiVersion", "apps/v1", "kind", "Deployment", "metadata", r.metadata(name),
                        "spec", obj("replicas", 1, "selector", obj("matchLabels", selector),
                                "template", obj("metadata", obj("labels", podLabels), "spec", podSpec))),
                obj("apiVersion", "v1", "kind", "Service", "metadata", r.metadata(name),
                        "spec", obj("selector", selector, "ports", arr(obj("name", "rpc", "port", MOONCAKE_RPC),
                                obj("name", "metadata", "port", MOONCAKE_METADATA), obj("name", "metrics", "port", MOONCAKE_METRICS)))));
    }
}
