package dev.remotemedia.manifest;

import dev.remotemedia.manifest.ParamSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubstitutionTest {
    /** A catalog with one node type holding a secret token and a numeric timeout. */
    private static final NodeCatalog CATALOG = new NodeCatalog() {
        final ParamSchema schema = ParamSchema.of(
                ParamSpec.string("auth_token").asSecret(),
                ParamSpec.string("endpoint"),
                ParamSpec.integer("timeout_ms").defaultValue(30000).min(1));

        @Override public Optional<ParamSchema> schemaOf(String t) { return "Remote".equals(t) ? Optional.of(schema) : Optional.empty(); }
        @Override public List<String> typeNames() { return List.of("Remote"); }
    };

    private static Manifest validate(String params, Map<String, String> env) {
        String json = "{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\",\"node_type\":\"Remote\",\"params\":" + params + "}]}";
        return new ManifestValidator(CATALOG, VariableSource.of(env)).validate(ManifestParser.parse(json, "t"), "t");
    }

    @Test
    void substitutesSetVariables() {
        var p = validate("{\"endpoint\":\"${HOST}:50051\"}", Map.of("HOST", "gpu-1")).nodes().get(0).params();
        assertEquals("gpu-1:50051", p.string("endpoint"));
    }

    @Test
    void devLoopbackFollowsTheConfiguredGrpcPort() throws Exception {
        String endpoint = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Files.readString(
                java.nio.file.Path.of("manifests/dev-local.json"))).at("/nodes/1/params/endpoint").asText();
        String params = "{\"endpoint\":\"" + endpoint + "\"}";
        assertEquals("localhost:15065", validate(params, Map.of("quarkus.grpc.server.port", "15065")).nodes().get(0).params().string("endpoint"));
        assertEquals("localhost:50051", validate(params, Map.of()).nodes().get(0).params().string("endpoint"));
        assertEquals("gpu-1:7", validate(params, Map.of("REMOTEMEDIA_REMOTE", "gpu-1:7", "quarkus.grpc.server.port", "15065"))
                .nodes().get(0).params().string("endpoint"));
    }

    @Test
    void nestedDefaultReportsItsOwnMissingVariable() {
        var e = assertThrows(ManifestException.class, () -> validate("{\"endpoint\":\"${A:-x${B}}\"}", Map.of()));
        assertTrue(e.getMessage().contains("${B}") || e.getMessage().contains("B"), e.getMessage());
    }

    @Test
    void usesDefaultsWhenUnset() {
        var p = validate("{\"endpoint\":\"${HOST:-localhost}:50051\",\"timeout_ms\":\"${T:-1500}\"}", Map.of()).nodes().get(0).params();
        assertEquals("localhost:50051", p.string("endpoint"));
        assertEquals(1500, p.integer("timeout_ms"));
    }

    @Test
    void unsetVariableWithoutDefaultIsAnErrorNamingVariableAndPlace() {
        var e = assertThrows(ManifestException.class, () -> validate("{\"auth_token\":\"${API_TOKEN}\"}", Map.of()));
        assertEquals(List.of("nodes[0] (id \"r\").params.auth_token: variable ${API_TOKEN} is not set "
                + "(set it in the environment or give a default: ${API_TOKEN:-value})"), e.errors());
    }

    @Test
    void secretsAndSubstitutedValuesAreMaskedInDumps() {
        var p = validate("{\"auth_token\":\"${API_TOKEN}\",\"endpoint\":\"${HOST}\"}", Map.of("API_TOKEN", "s3cr3t", "HOST", "h")).nodes().get(0).params();
        assertEquals("s3cr3t", p.string("auth_token"));
        assertFalse(p.toString().contains("s3cr3t"), p.toString());
        assertTrue(p.masked().get("auth_token").asText().equals("***"));
        assertEquals("${HOST}", p.masked().get("endpoint").asText());
        var literal = validate("{\"auth_token\":\"plain-token\"}", Map.of()).nodes().get(0).params();
        assertFalse(literal.toString().contains("plain-token"));
    }

    @Test
    void substitutedBadValueIsReportedWithoutEchoingIt() {
        var e = assertThrows(ManifestException.class, () -> validate("{\"timeout_ms\":\"${T}\"}", Map.of("T", "soon")));
        assertEquals(List.of("nodes[0] (id \"r\").params.timeout_ms: must be a positive integer, got \"${T}\""), e.errors());
    }
}
