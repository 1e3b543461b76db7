package dev.remotemedia.manifest;

import dev.remotemedia.pipeline.NodeTypeRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestValidatorTest {
    private final ManifestValidator validator = new ManifestValidator(NodeTypeRegistry.load(), VariableSource.of(Map.of()));

    private List<String> errors(String json) {
        var e = assertThrows(ManifestException.class, () -> validator.validate(ManifestParser.parse(json, "t.json"), "t.json"));
        return e.errors();
    }

    private static void assertHas(List<String> errors, String expected) {
        assertTrue(errors.stream().anyMatch(e -> e.contains(expected)), "expected an error containing <" + expected + "> in " + errors);
    }

    @Test
    void acceptsAMinimalManifestAndAppliesDefaults() {
        var m = validator.validate(ManifestParser.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\",\"node_type\":\"AudioResample\"}]}", "t"), "t");
        assertEquals(16000, m.nodes().get(0).params().integer("target_rate"));
        assertTrue(m.connections().isEmpty());
    }

    @Test
    void acceptsYaml() {
        var m = validator.validate(ManifestParser.parse("version: v1\nnodes:\n  - id: s\n    node_type: AudioStats\n    params: {apply_to: audio}\n", "t.yaml"), "t.yaml");
        assertEquals("audio", m.nodes().get(0).params().string("apply_to"));
    }

    @Test
    void rejectsWrongVersion() {
        assertHas(errors("{\"version\":\"v2\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"AudioStats\"}]}"), "version: must be \"v1\", got \"v2\"");
        assertHas(errors("{\"nodes\":[{\"id\":\"a\",\"node_type\":\"AudioStats\"}]}"), "version: is required");
    }

    @Test
    void rejectsEmptyNodeList() {
        assertHas(errors("{\"version\":\"v1\",\"nodes\":[]}"), "nodes: must list at least one node");
    }

    @Test
    void rejectsUnknownTopLevelFieldWithHint() {
        assertHas(errors("{\"version\":\"v1\",\"node\":[],\"nodes\":[{\"id\":\"a\",\"node_type\":\"AudioStats\"}]}"),
                "node: unknown field (did you mean \"nodes\"?)");
    }

    @Test
    void rejectsUnknownNodeFieldWithHint() {
        assertHas(errors("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"AudioStats\",\"parms\":{}}]}"),
                "nodes[0] (id \"a\").parms: unknown field (did you mean \"params\"?)");
    }

    @Test
    void rejectsBadAndDuplicateIds() {
        var e = errors("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a b\",\"node_type\":\"AudioStats\"},"
                + "{\"id\":\"x\",\"node_type\":\"AudioStats\"},{\"id\":\"x\",\"node_type\":\"AudioStats\"}]}");
        assertHas(e, "nodes[0] (id \"a b\").id: must match [A-Za-z0-9_-]+, got \"a b\"");
        assertHas(e, "nodes[2] (id \"x\").id: duplicate id \"x\" (also nodes[1])");
    }

    @Test
    void rejectsUnknownNodeTypeListingKnownOnes() {
        var e = errors("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"AudioStat\"}]}");
        assertHas(e, "nodes[0] (id \"a\").node_type: unknown node type \"AudioStat\" (did you mean \"AudioStats\"?); known types: AudioResample, AudioStats");
    }

    @Test
    void rejectsConnectionsToUnknownNodes() {
        var e = errors("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"AudioStats\"}],"
                + "\"connections\":[{\"from\":\"a\",\"to\":\"b\"}]}");
        assertHas(e, "connections[0].to: unknown node \"b\"");
    }

    @Test
    void rejectsCyclesPrintingThePath() {
        var e = errors("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"AudioStats\"},{\"id\":\"b\",\"node_type\":\"AudioStats\"},"
                + "{\"id\":\"c\",\"node_type\":\"AudioStats\"}],\"connections\":[{\"from\":\"a\",\"to\":\"b\"},{\"from\":\"b\",\"to\":\"c\"},{\"from\":\"c\",\"to\":\"b\"}]}");
        assertHas(e, "connections: cycle b -> c -> b");
    }

    @Test
    void rejectsWrongParamTypeNamingThePlace() {
        var e = errors("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"AudioStats\"},"
                + "{\"id\":\"resample\",\"node_type\":\"AudioResample\",\"params\":{\"target_rate\":\"abc\"}}]}");
        assertEquals(List.of("nodes[1] (id \"resample\").params.target_rate: must be a positive integer, got \"abc\""), e);
    }

    @Test
    void rejectsOutOfRangeParams() {
        assertHas(errors("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\",\"node_type\":\"AudioResample\",\"params\":{\"target_rate\":100}}]}"),
                "params.target_rate: must be between 8000 and 192000, got 100");
    }

    @Test
    void rejectsValuesOutsideAnEnum() {
        assertHas(errors("{\"version\":\"v1\",\"nodes\":[{\"id\":\"s\",\"node_type\":\"AudioStats\",\"params\":{\"apply_to\":\"segments\"}}]}"),
                "params.apply_to: must be one of segment, audio, got \"segments\" (did you mean \"segment\"?)");
    }

    @Test
    void rejectsUnknownParamsWithHint() {
        assertHas(errors("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\",\"node_type\":\"AudioResample\",\"params\":{\"target_rat\":8000}}]}"),
                "params.target_rat: unknown parameter (did you mean \"target_rate\"?)");
    }

    @Test
    void reportsAllErrorsAtOnce() {
        var e = errors("{\"version\":\"v9\",\"nodes\":[{\"id\":\"r\",\"node_type\":\"AudioResample\",\"params\":{\"target_rate\":1}},"
                + "{\"id\":\"s\",\"node_type\":\"Nope\"}],\"extra\":1}");
        assertEquals(4, e.size(), e.toString());
    }

    @Test
    void reportsSyntaxErrorsWithLine() {
        assertHas(errors("{\"version\": \"v1\",\n \"nodes\": [}"), "not valid JSON at line 2");
    }
}
