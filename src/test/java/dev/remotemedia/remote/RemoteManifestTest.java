package dev.remotemedia.remote;

import dev.remotemedia.manifest.ManifestException;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.testing.RemoteServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which pipeline runs remotely, and what happens when it cannot. */
class RemoteManifestTest {
    final RemoteServers servers = new RemoteServers();

    @AfterEach
    void stop() {
        servers.close();
    }

    private static String remote(String endpoint, String source) {
        return "{\"endpoint\":\"" + endpoint + "\"," + source + ",\"retry\":{\"max_retries\":2,\"backoff_ms\":10},"
                + "\"health_check\":{\"interval_ms\":0}}";
    }

    @Test
    void namedPipelineRunsRemotely() throws Exception {
        var s = servers.start();
        try (RemoteHarness h = new RemoteHarness(remote(s.address(), "\"pipeline\":\"stats-segments\""))) {
            h.send();
            h.awaitAll(5000);
            assertEquals(1, h.events("result").size(), h.summary());
        }
    }

    @Test
    void unknownPipelineNameIsAClearErrorAndNotRetried() throws Exception {
        var s = servers.start();
        try (RemoteHarness h = new RemoteHarness(remote(s.address(), "\"pipeline\":\"no-such-pipeline\""))) {
            h.send();
            h.awaitAll(5000);
            var e = h.events("error").get(0).fields();
            // the only worker of the group lacks it: a clear error at once, naming the worker's answer
            assertEquals("AllEndpointsFailed", e.path("kind").asText());
            assertTrue(e.path("message").asText().contains("no endpoint in the group can serve pipeline \"no-such-pipeline\""), e.toString());
            assertTrue(e.path("message").asText().contains("NOT_FOUND"), e.toString());
            assertTrue(e.path("message").asText().contains("no pipeline named \"no-such-pipeline\""), e.toString());
            assertEquals(1, h.events("failover").size(), "one attempt, not retried: " + h.summary());
        }
    }

    @Test
    void invalidInlineManifestIsRejectedByTheServerNamingTheField() throws Exception {
        var s = servers.start();
        String bad = "\"manifest\":{\"version\":\"v1\",\"nodes\":[{\"id\":\"s\",\"node_type\":\"AudioStats\",\"params\":{\"apply_to\":\"everything\"}}]}";
        try (RemoteHarness h = new RemoteHarness(remote(s.address(), bad))) {
            h.send();
            h.awaitAll(5000);
            var e = h.events("error").get(0).fields();
            assertTrue(e.path("message").asText().contains("INVALID_ARGUMENT"), e.toString());
            assertTrue(e.path("message").asText().contains("params.apply_to: must be one of segment, audio"), e.toString());
        }
    }

    @Test
    void paramValidationCatchesBadRemoteConfiguration() {
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            var e = assertThrows(ManifestException.class, () -> engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\","
                    + "\"node_type\":\"RemotePipelineNode\",\"params\":{\"timeout_ms\":-5,\"load_balance_strategy\":\"fastest\","
                    + "\"pipeline\":\"a\",\"manifest_url\":\"s3://b/k\",\"auth_token\":\"${NOPE_TOKEN_XYZ}\"}}]}", "t"));
            List<String> errors = e.errors();
            assertTrue(errors.stream().anyMatch(m -> m.contains("params.timeout_ms: must be a positive integer, got -5")), errors.toString());
            assertTrue(errors.stream().anyMatch(m -> m.contains("params.load_balance_strategy: must be one of round_robin")), errors.toString());
            assertTrue(errors.stream().anyMatch(m -> m.contains("params.auth_token: variable ${NOPE_TOKEN_XYZ} is not set")), errors.toString());
            var e2 = assertThrows(ManifestException.class, () -> engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\","
                    + "\"node_type\":\"RemotePipelineNode\",\"params\":{\"pipeline\":\"a\",\"manifest_url\":\"s3://b/k\"}}]}", "t"));
            assertTrue(e2.errors().contains("nodes[0] (id \"r\").params: needs \"endpoint\" (host:port or dns:///NAME:PORT) or \"endpoints\" (a list)"), e2.errors().toString());
            var e3 = assertThrows(ManifestException.class, () -> engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\","
                    + "\"node_type\":\"RemotePipelineNode\",\"params\":{\"pipeline\":\"a\",\"endpoints\":[\"dns://workers:50051\",\"dns:///w:0\"]}}]}", "t"));
            assertTrue(e3.errors().stream().anyMatch(m -> m.contains("params.endpoints[0]: must be dns:///NAME:PORT (three slashes")), e3.errors().toString());
            assertTrue(e3.errors().stream().anyMatch(m -> m.contains("params.endpoints[1]: must be host:port or dns:///NAME:PORT")), e3.errors().toString());
            var e4 = assertThrows(ManifestException.class, () -> engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\","
                    + "\"node_type\":\"RemotePipelineNode\",\"params\":{\"pipeline\":\"a\",\"endpoint\":\"dns:///w:1\","
                    + "\"discovery\":{\"refresh_ms\":5}}}]}", "t"));
            assertTrue(e4.errors().stream().anyMatch(m -> m.contains("params.discovery.refresh_ms: must be between 100")), e4.errors().toString());
            assertTrue(e2.errors().contains("nodes[0] (id \"r\").params: give exactly one of \"manifest\", \"manifest_url\", \"pipeline\" (got 2)"), e2.errors().toString());
        }
    }
}
