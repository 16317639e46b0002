package dev.zumik.byoc.render;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.decision.Isolation;
import java.util.Locale;

/** The README written beside the manifests: what they are, what to install first, and how to replay and drill the result. */
final class Readme {
    private Readme() { }

    static String text(final RenderRequest r, final TierPlan tiers, final Versions v, final String candidateUrl) {
        final ByocProfile p = r.profile();
        final boolean dynamo = "dynamo-sglang".equals(p.deploy().runtime());
        final StringBuilder s = new StringBuilder();
        s.append("# ").append(r.name()).append(": the ").append(p.name()).append(" profile for lane ").append(r.lane()).append("\n\n");
        s.append("Rendered by `zumik profile render`; every document was validated strictly against the pinned upstream schemas ")
                .append("(`zumik profile validate --manifests manifests.yaml` re-checks them after an edit).\n\n");
        s.append("- Sizing: ").append(r.replicas()).append(" replica(s) of ").append(p.gpu().perReplica()).append("x ").append(p.gpu().type())
                .append(" (tensor parallel ").append(p.gpu().perReplica()).append("), model ").append(p.model().name()).append("; ")
                .append(r.sizedFrom()).append(".\n");
        s.append("- Cache tiers per replica: GPU ").append(tiers.gpuTokens()).append(" tokens");
        tiers.hostBytes().ifPresent(b -> s.append(dynamo ? ", SGLang HiCache host pool " : ", KServe CPU offloading ").append(gb(b)));
        tiers.storageBytes().ifPresent(b -> s.append(dynamo ? ", Mooncake store segment " : ", filesystem offloading ").append(gb(b)));
        s.append(".\n");
        s.append("- Replica selection: ").append(p.replicaSelection().get(0)).append(" alone (checked on these documents).\n");
        s.append("- Isolation: ").append(String.join(", ", p.capabilities())).append(r.region() != null ? " (pods pinned to region " + r.region() + ")" : "")
                .append(".\n\n");
        s.append("## Install first\n\n");
        if (dynamo) {
            s.append("1. NVIDIA Dynamo's Kubernetes platform ").append(v.get("dynamo.platform"))
                    .append(" (operator and CRDs: `nvidia.com/v1beta1` DynamoGraphDeployment), runtime image `")
                    .append(v.get("dynamo.sglangRuntimeImage")).append("`.\n");
            if (p.scalesHourly() && p.stack().contains("aibrix-autoscaler")) {
                s.append("2. AIBrix ").append(v.get("aibrix")).append(", for its PodAutoscaler only: it scales the workers through the graph's ")
                        .append("scaling adapter (`scalingAdapter: {}`) and does not route (no AIBrix gateway or routing strategy: Dynamo's KV router ")
                        .append("picks the worker). The adapter's name is the graph's and the component's, lower-cased: check it with ")
                        .append("`kubectl get dgdsa` and correct `scaleTargetRef.name` if your operator names it otherwise.\n");
            }
            s.append("3. A Secret `hf-token-secret` holding `HF_TOKEN`, and the namespace `").append(r.namespace()).append("`.\n");
        } else {
            s.append("1. Gateway API ").append(v.get("gatewayApi")).append(" CRDs and an implementation with a Gateway `")
                    .append(r.gatewayNamespace()).append("/").append(r.gatewayName()).append("`.\n");
            s.append("2. The Gateway API Inference Extension ").append(v.get("gatewayApiInferenceExtension"))
                    .append(" InferencePool CRD and llm-d router ").append(v.get("llmdRouter")).append(" CRDs.\n");
            s.append("3. KServe at ").append(v.get("kserve.version")).append(" with the LLMInferenceService controller (`serving.kserve.io/v1alpha2`); ")
                    .append("it creates the vLLM pods, the InferencePool, llm-d's endpoint picker (configured inline here) and the HTTPRoute: ")
                    .append("do not install a second picker for the same pods.\n");
            s.append("4. The namespace `").append(r.namespace()).append("`.\n");
        }
        s.append("\nThen `kubectl apply -n ").append(r.namespace()).append(" -f manifests.yaml`.\n\n");
        s.append("## Replay and drill it\n\n");
        s.append("The candidate URL: `").append(candidateUrl).append("`").append(dynamo ? " (Dynamo's frontend Service)" : " (KServe's route: `/<namespace>/<name>/v1/...`)")
                .append(". `profile.yaml` here is the profile with this endpoint and the isolation the render delivers.\n\n```\n");
        s.append("zumik replay --trace TRACE --format F --lane ").append(r.lane()).append(" --profile profile.yaml --candidate ").append(candidateUrl)
                .append(" \\\n    --candidate-replicas ").append(r.replicas()).append(" --candidate-metrics ")
                .append(dynamo ? "http://<each worker pod>:" + DynamoRender.SYSTEM_PORT + "/metrics" : "http://<each vLLM pod>:" + KServeRender.VLLM_PORT + "/metrics")
                .append(" ... --baseline URL --signing-key KEY --out DIR\n```\n\n");
        if (p.capabilities().contains(Isolation.RUNTIME_CONFIRMED_DELETION)) {
            s.append("The deletion drill runs inside the namespace (the network policies admit only its own pods and the gateway):\n\n```\n")
                    .append("zumik purge --runtime profile.yaml --serving ").append(candidateUrl);
            if (dynamo) {
                s.append(" --engine http://<each worker pod>:<SGLang port>");
                tiers.storageBytes().ifPresent(b -> s.append(" --mooncake-master http://").append(r.name()).append("-mooncake-master.")
                        .append(r.namespace()).append(".svc:").append(DynamoRender.MOONCAKE_METRICS));
            } else {
                s.append(" --engine http://<each vLLM pod>:").append(KServeRender.VLLM_PORT)
                        .append(" (VLLM_SERVER_DEV_MODE=1 is set, so vLLM mounts /reset_prefix_cache)");
            }
            s.append(" --signing-key KEY\n```\n\n");
        }
        s.append("## What Zumik cannot check without a cluster\n\n");
        s.append("That the operators accept these documents at their installed versions (webhooks, conversion), that images pull and models load, ")
                .append("that the GPUs fit the model at this tensor parallelism, the Services and names the operators create, that the network ")
                .append("policies are enforced (it needs a CNI that enforces them), and the runtime flags' effect at the installed engine version");
        s.append(dynamo ? " (SGLang's HiCache and Mooncake settings: `--hicache-size` is per tensor-parallel rank; the `MOONCAKE_*` variables follow "
                + "SGLang's Mooncake store backend)." : ".");
        s.append("\n");
        return s.toString();
    }

    private static String gb(final long bytes) {
        return String.format(Locale.ROOT, "%.0f GB", bytes / 1e9);
    }
}
