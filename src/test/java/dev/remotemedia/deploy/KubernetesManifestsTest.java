package dev.remotemedia.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/k8s: labels, selectors and ports agree; CPU and GPU workers are separate Deployments with
 * their own headless Service (in-cluster discovery) and ALB Ingress (outside callers); the GPU
 * worker has gRPC probes, a GPU, a drain hook, and scales on its own load metric.
 */
class KubernetesManifestsTest {
    static final List<JsonNode> docs = new ArrayList<>();

    @BeforeAll
    static void parse() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> s = Files.list(Path.of("deploy/k8s"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (var parser = yaml.getFactory().createParser(f.toFile())) {
                    yaml.readValues(parser, JsonNode.class).forEachRemaining(d -> { if (d != null && !d.isNull()) docs.add(d); });
                }
            }
        }
    }

    static JsonNode kind(String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst().orElseThrow(() -> new AssertionError("no " + kind));
    }

    static JsonNode named(String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind) && d.at("/metadata/name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @Test
    void everythingLivesInTheNamespace() {
        String ns = kind("Namespace").at("/metadata/name").asText();
        docs.stream().filter(d -> !d.path("kind").asText().equals("Namespace"))
                .forEach(d -> assertEquals(ns, d.at("/metadata/namespace").asText(), d.path("kind").asText()));
    }

    @Test
    void eachRoleHasItsOwnDeploymentHeadlessServiceAndIngress() {
        for (String[] role : new String[][] {{"remotemedia-gpu", "gpu-workers"}, {"remotemedia-cpu", "cpu-workers"}}) {
            JsonNode deployment = named("Deployment", role[0]);
            JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
            deployment.at("/spec/selector/matchLabels").fields().forEachRemaining(e -> assertEquals(e.getValue(), podLabels.get(e.getKey())));
            JsonNode service = named("Service", role[1]);
            assertEquals("None", service.at("/spec/clusterIP").asText(), "headless: one A record per pod (dns:///" + role[1] + "…)");
            service.at("/spec/selector").fields().forEachRemaining(e -> assertEquals(e.getValue(), podLabels.get(e.getKey()), "service selects the pods"));
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            List<String> portNames = new ArrayList<>();
            container.path("ports").forEach(p -> portNames.add(p.path("name").asText()));
            for (JsonNode p : service.at("/spec/ports")) assertTrue(portNames.contains(p.path("targetPort").asText()), "target port exists: " + p);
            assertEquals(50051, service.at("/spec/ports/0/port").asInt());
            JsonNode ingress = named("Ingress", role[0]);
            assertEquals(role[1], ingress.at("/spec/rules/0/http/paths/0/backend/service/name").asText(), "its own backend, none shared");
            assertEquals("GRPC", ingress.at("/metadata/annotations/alb.ingress.kubernetes.io~1backend-protocol-version").asText());
            assertEquals("/remotemedia.v1.PipelineService/Ready", ingress.at("/metadata/annotations/alb.ingress.kubernetes.io~1healthcheck-path").asText());
            assertEquals(role[0], named("HorizontalPodAutoscaler", role[0]).at("/spec/scaleTargetRef/name").asText());
            assertTrue(container.path("env").toString().contains("REMOTEMEDIA_GRPC_PIPELINES"), role[0] + " advertises its pipelines");
        }
        assertTrue(!named("Deployment", "remotemedia-cpu").toString().contains("nvidia.com/gpu"), "CPU workers take no GPU");
    }

    @Test
    void gpuWorkerIsProbedOverGrpcAndDrains() {
        JsonNode c = named("Deployment", "remotemedia-gpu").at("/spec/template/spec/containers/0");
        assertEquals(1, c.at("/resources/limits/nvidia.com~1gpu").asInt());
        assertEquals(50051, c.at("/readinessProbe/grpc/port").asInt());
        assertEquals(50051, c.at("/livenessProbe/grpc/port").asInt());
        assertTrue(c.at("/lifecycle/preStop/exec/command").toString().contains("sleep"));
        for (String role : new String[] {"remotemedia-gpu", "remotemedia-cpu"}) {
            // the grace period covers the preStop sleep plus the whole drain, or the kubelet SIGKILLs mid-drain
            JsonNode spec = named("Deployment", role).at("/spec/template/spec");
            JsonNode container = spec.at("/containers/0");
            var sleep = java.util.regex.Pattern.compile("sleep (\\d+)").matcher(container.at("/lifecycle/preStop/exec/command").toString());
            assertTrue(sleep.find(), role);
            long drainMs = 0;
            for (JsonNode e : container.path("env")) if (e.path("name").asText().equals("REMOTEMEDIA_GRPC_DRAIN_TIMEOUT_MS")) drainMs = e.path("value").asLong();
            assertTrue(drainMs > 0, role + " sets its drain timeout");
            long grace = spec.path("terminationGracePeriodSeconds").asLong();
            assertTrue(grace * 1000 > Integer.parseInt(sleep.group(1)) * 1000L + drainMs, role + ": grace " + grace + " s < preStop + drain " + drainMs + " ms");
        }
        JsonNode token = null;
        for (JsonNode e : c.path("env")) if (e.path("name").asText().equals("REMOTEMEDIA_GRPC_AUTH_TOKENS")) token = e;
        assertEquals("remotemedia-api-token", token == null ? null : token.at("/valueFrom/secretKeyRef/name").asText());
        assertTrue(c.path("volumeMounts").toString().contains("/models"), "a model cache volume");
        JsonNode hpa = named("HorizontalPodAutoscaler", "remotemedia-gpu");
        assertEquals("remotemedia_segments_inflight", hpa.at("/spec/metrics/0/pods/metric/name").asText(), "GPU pods scale on their own load");
        assertEquals(10, hpa.at("/spec/maxReplicas").asInt());
        assertTrue(kind("ConfigMap").at("/data").has("stats-segments.json"));
    }
}
