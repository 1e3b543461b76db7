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

/** deploy/k8s: labels, selectors and ports agree; the GPU worker has gRPC probes, a GPU, and a drain hook. */
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

    @Test
    void everythingLivesInTheNamespace() {
        String ns = kind("Namespace").at("/metadata/name").asText();
        docs.stream().filter(d -> !d.path("kind").asText().equals("Namespace"))
                .forEach(d -> assertEquals(ns, d.at("/metadata/namespace").asText(), d.path("kind").asText()));
    }

    @Test
    void selectorsMatchPodLabelsAndPortsMatchContainers() {
        JsonNode deployment = kind("Deployment");
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        deployment.at("/spec/selector/matchLabels").fields().forEachRemaining(e -> assertEquals(e.getValue(), podLabels.get(e.getKey())));
        JsonNode service = kind("Service");
        service.at("/spec/selector").fields().forEachRemaining(e -> assertEquals(e.getValue(), podLabels.get(e.getKey()), "service selects the pods"));
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        List<String> portNames = new ArrayList<>();
        container.path("ports").forEach(p -> portNames.add(p.path("name").asText()));
        for (JsonNode p : service.at("/spec/ports")) assertTrue(portNames.contains(p.path("targetPort").asText()), "target port exists: " + p);
        assertEquals(50051, service.at("/spec/ports/0/port").asInt());
        assertEquals("LoadBalancer", service.at("/spec/type").asText());
        assertTrue(service.at("/metadata/annotations").toString().contains("nlb"), "NLB annotations");
        assertEquals(deployment.at("/metadata/name").asText(), kind("HorizontalPodAutoscaler").at("/spec/scaleTargetRef/name").asText());
    }

    @Test
    void gpuWorkerIsProbedOverGrpcAndDrains() {
        JsonNode c = kind("Deployment").at("/spec/template/spec/containers/0");
        assertEquals(1, c.at("/resources/limits/nvidia.com~1gpu").asInt());
        assertEquals(50051, c.at("/readinessProbe/grpc/port").asInt());
        assertEquals(50051, c.at("/livenessProbe/grpc/port").asInt());
        assertTrue(c.at("/lifecycle/preStop/exec/command").toString().contains("sleep"));
        JsonNode token = null;
        for (JsonNode e : c.path("env")) if (e.path("name").asText().equals("REMOTEMEDIA_GRPC_AUTH_TOKENS")) token = e;
        assertEquals("remotemedia-api-token", token == null ? null : token.at("/valueFrom/secretKeyRef/name").asText());
        assertTrue(c.path("volumeMounts").toString().contains("/models"), "a model cache volume");
        JsonNode hpa = kind("HorizontalPodAutoscaler");
        assertEquals(2, hpa.at("/spec/minReplicas").asInt());
        assertEquals(10, hpa.at("/spec/maxReplicas").asInt());
        assertTrue(kind("ConfigMap").at("/data").has("stats-segments.json"));
    }
}
