package dev.zumik.byoc.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.core.cost.ByocProfile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to render: the profile, the lane it serves, the replicas (sized like the verdict: the replicas to run at the
 * busiest priced hour, and at least this many at the quietest under hourly scaling), where it goes, and why that size.
 *
 * @param name             the deployment's name (a DNS label): the LLMInferenceService's or DynamoGraphDeployment's
 * @param namespace        where it runs
 * @param gatewayNamespace the namespace of the Gateway allowed in (private networking)
 * @param gatewayName      the Gateway the route attaches to
 * @param region           pin every pod to this topology.kubernetes.io/region, or null
 * @param sizedFrom        in words: where {@code replicas} came from (--replicas, or a verdict file and its figures)
 */
public record RenderRequest(ByocProfile profile, String lane, int replicas, int minReplicas, String name, String namespace,
                            String gatewayNamespace, String gatewayName, String region, String sizedFrom) {

    public RenderRequest {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
        }
        minReplicas = Math.max(1, Math.min(minReplicas, replicas));
    }

    /** The same request, its pods pinned to {@code newRegion}. */
    RenderRequest withRegion(final String newRegion) {
        return new RenderRequest(profile, lane, replicas, minReplicas, name, namespace, gatewayNamespace, gatewayName, newRegion, sizedFrom);
    }

    /** Labels every rendered object carries. */
    Map<String, String> labels() {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/part-of", "zumik-byoc");
        labels.put("app.kubernetes.io/instance", name);
        labels.put("zumik.dev/profile", profile.name());
        return labels;
    }

    /** The lane, annotated on every object (a lane key is not a valid label value). */
    Map<String, String> annotations() {
        return Map.of("zumik.dev/lane", lane, "zumik.dev/sized-from", sizedFrom);
    }

    /** A Deployment-style metadata block for an object called {@code objectName}. */
    ObjectNode metadata(final String objectName) {
        return Json.obj("name", objectName, "namespace", namespace, "labels", labels(), "annotations", annotations());
    }
}
