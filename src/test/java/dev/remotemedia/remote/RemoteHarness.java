package dev.remotemedia.remote;

import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.testing.Signals;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A local session with one RemotePipelineNode, fed speech segments by hand; collects what comes out. */
final class RemoteHarness implements AutoCloseable {
    static final String STATS = "{\"version\":\"v1\",\"nodes\":[{\"id\":\"stats\",\"node_type\":\"AudioStats\"}]}";

    final PipelineEngine engine = PipelineEngine.standalone();
    final List<Frame> out = new CopyOnWriteArrayList<>();
    final UnicastProcessor<Frame> input = UnicastProcessor.create();
    private int next = 1;
    private volatile boolean completed;

    /** When each segment was sent, and when its first result or error arrived (System.nanoTime). */
    final Map<Integer, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<Integer, Long> answeredAt = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param params the RemotePipelineNode params as JSON object text */
    RemoteHarness(String params) {
        this(params, null);
    }

    /** @param resolver the name resolution dns:/// endpoints use (null = the JDK's) */
    RemoteHarness(String params, EndpointPool.Resolver resolver) {
        if (resolver != null) engine.shared().put(EndpointPool.RESOLVER_KEY, resolver);
        var manifest = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":"
                + params + "}]}", "test");
        engine.open(manifest, "harness").run(input).subscribe().with(this::received, e -> out.add(
                dev.remotemedia.pipeline.Events.error(dev.remotemedia.pipeline.ErrorKind.Internal, null, e.toString(), 0, 0)), () -> completed = true);
    }

    private void received(Frame f) {
        if (f instanceof EventFrame e && (e.type().equals("result") || e.type().equals("error")) && e.segment() > 0) {
            answeredAt.putIfAbsent(e.segment(), System.nanoTime());
        }
        out.add(f);
    }

    static String params(List<String> endpoints, String extra) {
        String list = endpoints.stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(","));
        return "{\"endpoints\":[" + list + "],\"manifest\":" + STATS + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** Sends the next segment (0.25 s of a tone); returns its id. */
    int send() {
        int id = next++;
        sentAt.put(id, System.nanoTime());
        float[] tone = Signals.sine(300 + id, 16000, 0.25, 0.3);
        input.onNext(new SpeechSegment(id, id * 1000L, id * 1000L + 250, new AudioFrame(tone, 16000, 1, id * 1000L)));
        return id;
    }

    void sendPaced(int count, long gapMs) {
        for (int i = 0; i < count; i++) {
            send();
            sleep(gapMs);
        }
    }

    int sent() { return next - 1; }

    /** Waits until every sent segment has a result or an error event. */
    void awaitAll(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (answered() < sent() && System.currentTimeMillis() < deadline) sleep(20);
        assertEquals(sent(), answered(), "answers for every segment; got " + summary());
    }

    long answered() {
        return out.stream().filter(f -> f instanceof EventFrame e && (e.type().equals("result") || e.type().equals("error"))
                && e.segment() > 0).map(f -> ((EventFrame) f).segment()).distinct().count();
    }

    List<EventFrame> events(String type) {
        return out.stream().filter(f -> f instanceof EventFrame e && e.type().equals(type)).map(f -> (EventFrame) f).toList();
    }

    /** Asserts exactly one result per segment, in segment order. */
    void assertExactlyOncePerSegmentInOrder() {
        List<Integer> ids = events("result").stream().map(EventFrame::segment).toList();
        List<Integer> expected = new java.util.ArrayList<>();
        for (int i = 1; i <= sent(); i++) expected.add(i);
        assertEquals(expected, ids, "one result per segment, in order; " + summary());
    }

    /** How many results each endpoint served, among segments in [from, to]. */
    Map<String, Long> servedBy(int from, int to) {
        return events("result").stream().filter(e -> e.segment() >= from && e.segment() <= to)
                .collect(Collectors.groupingBy(e -> e.fields().path("endpoint").asText(), TreeMap::new, Collectors.counting()));
    }

    EndpointPool pool() {
        String key = engine.shared().keys().stream().filter(k -> k.startsWith("remote-pool:")).findFirst().orElseThrow();
        return engine.shared().get(key, EndpointPool.class, () -> { throw new IllegalStateException(); });
    }

    Endpoint endpoint(String address) {
        return pool().endpoints().stream().filter(e -> e.address().equals(address)).findFirst().orElseThrow();
    }

    String summary() {
        return "results " + events("result").size() + ", errors " + events("error").stream().map(e -> e.segment() + ":"
                + e.fields().path("kind").asText() + " " + e.fields().path("message").asText()).toList()
                + ", failovers " + events("failover").size();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void eventually(long timeoutMs, String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) sleep(20);
        assertTrue(condition.getAsBoolean(), what);
    }

    @Override
    public void close() {
        if (!completed) input.onComplete();
        engine.close();
    }
}
