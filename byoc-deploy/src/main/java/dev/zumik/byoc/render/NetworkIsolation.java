package dev.zumik.byoc.render;

import static dev.zumik.byoc.render.Json.arr;
import static dev.zumik.byoc.render.Json.obj;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Isolation as manifests, from the profile's capabilities: private networking is a default-deny ingress policy for the
 * namespace, the namespace's own pods admitted (the endpoint picker, the deletion drill's runner, the workers among
 * themselves), and the gateway's namespace admitted to the serving pods' port only; a region is required node affinity
 * on topology.kubernetes.io/region for every pod.
 */
final class NetworkIsolation {
    private NetworkIsolation() { }

    static List<ObjectNode> networkPolicies(final RenderRequest r, final int servingPort) {
        final List<ObjectNode> docs = new ArrayList<>();
        docs.add(obj("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy", "metadata", r.metadata(r.name() + "-default-deny"),
                "spec", obj("podSelector", obj(), "policyTypes", arr("Ingress"))));
        docs.add(obj("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy", "metadata", r.metadata(r.name() + "-same-namespace"),
                "spec", obj("podSelector", obj(), "policyTypes", arr("Ingress"), "ingress", arr(obj("from", arr(obj("podSelector", obj())))))));
        docs.add(obj("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy", "metadata", r.metadata(r.name() + "-from-gateway"),
                "spec", obj("podSelector", obj("matchLabels", obj("zumik.dev/role", "serving", "app.kubernetes.io/instance", r.name())),
                        "policyTypes", arr("Ingress"),
                        "ingress", arr(obj("from", arr(obj("namespaceSelector", obj("matchLabels", obj("kubernetes.io/metadata.name", r.gatewayNamespace())))),
                                "ports", arr(obj("protocol", "TCP", "port", servingPort)))))));
        return docs;
    }

    /** Pins the pods of {@code podSpec} to the request's region, when it names one: required node affinity. */
    static ObjectNode pinRegion(final ObjectNode podSpec, final RenderRequest r) {
        if (r.region() != null) {
            podSpec.set("affinity", regionAffinity(r.region()));
        }
        return podSpec;
    }

    private static ObjectNode regionAffinity(final String region) {
        return obj("nodeAffinity", obj("requiredDuringSchedulingIgnoredDuringExecution", obj("nodeSelectorTerms", arr(
                obj("matchExpressions", arr(obj("key", "topology.kubernetes.io/region", "operator", "In", "values", arr(region))))))));
    }
}
