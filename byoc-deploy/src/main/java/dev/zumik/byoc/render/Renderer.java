package dev.zumik.byoc.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.decision.Isolation;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a profile, sized like the verdict, into the Kubernetes manifests of its stack (the runtime's own render, then
 * isolation from its capabilities) and the README that says what to install first and how to replay and drill it.
 */
public final class Renderer {
    /** The documents, the README, and the URLs a replay and a deletion drill point at. */
    public record Rendered(List<ObjectNode> documents, String readme, String candidateUrl) { }

    private Renderer() { }

    public static Rendered render(final RenderRequest r) {
        final ByocProfile p = r.profile();
        if (p.deploy() == null) {
            throw new IllegalArgumentException(p.name() + ": the profile has no deploy section (runtime: dynamo-sglang or kserve-vllm), "
                    + "so it cannot be rendered");
        }
        final String declaredRegion = p.capabilities().stream().filter(c -> c.startsWith(Isolation.REGION_PREFIX))
                .map(c -> c.substring(Isolation.REGION_PREFIX.length())).findFirst().orElse(null);
        if (declaredRegion != null && r.region() != null && !declaredRegion.equals(r.region())) {
            throw new IllegalArgumentException("--region " + r.region() + ": the profile declares region:" + declaredRegion);
        }
        final RenderRequest sized = r.region() == null && declaredRegion != null ? r.withRegion(declaredRegion) : r;
        final TierPlan tiers = TierPlan.of(p);
        final Versions versions = Versions.pinned();
        final boolean dynamo = "dynamo-sglang".equals(p.deploy().runtime());
        final List<ObjectNode> docs = new ArrayList<>(dynamo ? DynamoRender.documents(sized, tiers, versions)
                : KServeRender.documents(sized, tiers, versions));
        if (p.capabilities().contains(Isolation.PRIVATE_NETWORKING)) {
            docs.addAll(NetworkIsolation.networkPolicies(sized, dynamo ? DynamoRender.FRONTEND_PORT : KServeRender.VLLM_PORT));
        }
        final String candidateUrl = dynamo ? "http://" + sized.name() + "-frontend." + sized.namespace() + ".svc:" + DynamoRender.FRONTEND_PORT
                : "http://<the address of Gateway " + sized.gatewayNamespace() + "/" + sized.gatewayName() + ">/" + sized.namespace() + "/" + sized.name();
        return new Rendered(docs, Readme.text(sized, tiers, versions, candidateUrl), candidateUrl);
    }
}
