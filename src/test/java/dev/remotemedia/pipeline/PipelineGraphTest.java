package dev.remotemedia.pipeline;

import dev.remotemedia.manifest.ManifestException;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.manifest.VariableSource;
import io.smallrye.mutiny.Multi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineGraphTest {
    /** Appends its node id to every text frame; fails on text "boom" when {@code fail} is set. */
    static final class TagType implements NodeType {
        @Override public String name() { return "Tag"; }
        @Override public String description() { return "test"; }
        @Override public ParamSchema params() { return ParamSchema.of(ParamSpec.bool("fail").defaultValue(false)); }
        @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.TEXT); }
        @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.TEXT); }

        @Override
        public Node create(NodeContext ctx, Params params) {
            boolean fail = params.bool("fail");
            return new FrameNode(ctx) {
                @Override protected Set<FrameKind> consumes() { return Set.of(FrameKind.TEXT); }

                @Override
                protected void onFrame(Frame frame, Consumer<Frame> out) {
                    TextFrame t = (TextFrame) frame;
                    if (fail && t.text().contains("boom")) throw new IllegalStateException("cannot tag boom");
                    out.accept(new TextFrame(t.text() + ">" + ctx.nodeId(), t.segment(), t.tMs()));
                }
            };
        }
    }

    private final PipelineEngine engine = new PipelineEngine(new NodeTypeRegistry(List.of(new TagType())),
            VariableSource.of(Map.of()), 2);

    @AfterEach
    void close() {
        engine.close();
    }

    private List<Frame> run(String manifest, String... texts) {
        var m = engine.parse(manifest, "t");
        Multi<Frame> in = Multi.createFrom().items(texts).map(t -> (Frame) new TextFrame(t, 1, 0));
        return engine.open(m, "s").run(in).collect().asList().await().atMost(Duration.ofSeconds(10));
    }

    private static List<String> texts(List<Frame> frames) {
        return frames.stream().filter(f -> f instanceof TextFrame).map(f -> ((TextFrame) f).text()).sorted().toList();
    }

    @Test
    void chainsNodesInOrderWithoutConnections() {
        var out = run("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"Tag\"},{\"id\":\"b\",\"node_type\":\"Tag\"}]}", "x", "y");
        assertEquals(List.of("x>a>b", "y>a>b"), texts(out));
    }

    @Test
    void fansOutAndFansIn() {
        var out = run("{\"version\":\"v1\",\"nodes\":[{\"id\":\"d\",\"node_type\":\"Tag\"},{\"id\":\"src\",\"node_type\":\"Tag\"},"
                + "{\"id\":\"b\",\"node_type\":\"Tag\"},{\"id\":\"c\",\"node_type\":\"Tag\"}],"
                + "\"connections\":[{\"from\":\"src\",\"to\":\"b\"},{\"from\":\"src\",\"to\":\"c\"},{\"from\":\"b\",\"to\":\"d\"},{\"from\":\"c\",\"to\":\"d\"}]}",
                "x", "y");
        assertEquals(List.of("x>src>b>d", "x>src>c>d", "y>src>b>d", "y>src>c>d"), texts(out));
    }

    @Test
    void ordersNodesTopologically() {
        var m = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"d\",\"node_type\":\"Tag\"},{\"id\":\"c\",\"node_type\":\"Tag\"},"
                + "{\"id\":\"a\",\"node_type\":\"Tag\"}],\"connections\":[{\"from\":\"a\",\"to\":\"c\"},{\"from\":\"c\",\"to\":\"d\"}]}", "t");
        assertEquals(List.of("a", "c", "d"), PipelineGraph.of(m).order().stream().map(n -> n.id()).toList());
    }

    @Test
    void rejectsCycles() {
        var e = assertThrows(ManifestException.class, () -> engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"Tag\"},"
                + "{\"id\":\"b\",\"node_type\":\"Tag\"}],\"connections\":[{\"from\":\"a\",\"to\":\"b\"},{\"from\":\"b\",\"to\":\"a\"}]}", "t"));
        assertEquals(List.of("connections: cycle a -> b -> a"), e.errors());
    }

    @Test
    void aFailingFrameBecomesAnErrorEventAndTheNodeCarriesOn() {
        var out = run("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"Tag\",\"params\":{\"fail\":true}}]}", "x", "boom", "y");
        assertEquals(List.of("x>a", "y>a"), texts(out));
        var errors = out.stream().filter(f -> f instanceof EventFrame e && e.type().equals("error")).map(f -> (EventFrame) f).toList();
        assertEquals(1, errors.size());
        assertEquals("a", errors.get(0).fields().get("node").asText());
        assertEquals("NodeFailed", errors.get(0).fields().get("kind").asText());
    }

    @Test
    void sessionsAreIsolated() {
        var m = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"a\",\"node_type\":\"Tag\",\"params\":{\"fail\":true}}]}", "t");
        var broken = engine.open(m, "s1").run(Multi.createFrom().<Frame>failure(new IllegalStateException("transport died")));
        var healthy = engine.open(m, "s2").run(Multi.createFrom().items((Frame) new TextFrame("ok", 1, 0)));
        var brokenOut = broken.collect().asList().await().atMost(Duration.ofSeconds(5));
        var healthyOut = healthy.collect().asList().await().atMost(Duration.ofSeconds(5));
        assertTrue(brokenOut.stream().anyMatch(f -> f instanceof EventFrame e && e.type().equals("error")), brokenOut.toString());
        assertEquals(List.of("ok>a"), texts(healthyOut));
    }
}
