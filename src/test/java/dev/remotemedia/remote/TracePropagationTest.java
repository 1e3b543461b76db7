package dev.remotemedia.remote;

import dev.remotemedia.telemetry.Telemetry;
import dev.remotemedia.testing.RemoteServers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.remotemedia.remote.RemoteHarness.params;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** One trace per segment, from the local node through the remote attempt to the server's unit span. */
class TracePropagationTest {
    @Test
    void localAndRemoteSpansShareOneTracePerSegment() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        Telemetry.install(sdk);
        try (RemoteServers servers = new RemoteServers()) {
            var s = servers.start();
            try (RemoteHarness h = new RemoteHarness(params(List.of(s.address()), "\"health_check\":{\"interval_ms\":0}"))) {
                h.sendPaced(2, 20);
                h.awaitAll(5000);
            }
            RemoteHarness.eventually(3000, "spans exported", () -> exporter.getFinishedSpanItems().size() >= 6);
            List<SpanData> spans = exporter.getFinishedSpanItems();
            for (long segment = 1; segment <= 2; segment++) {
                SpanData root = one(spans, "remotemedia.segment", segment);
                SpanData attempt = one(spans, "remotemedia.remote.attempt", segment);
                SpanData unit = one(spans, "remotemedia.remote.unit", segment);
                assertEquals(root.getTraceId(), attempt.getTraceId());
                assertEquals(root.getTraceId(), unit.getTraceId(), "the server's span joined the segment's trace");
                assertEquals(root.getSpanId(), attempt.getParentSpanId());
                assertEquals(attempt.getSpanId(), unit.getParentSpanId(), "context crossed the wire in the frame");
            }
            assertEquals(2, spans.stream().filter(x -> x.getName().equals("remotemedia.segment")).map(SpanData::getTraceId).distinct().count(),
                    "each segment is its own trace");
        } finally {
            Telemetry.install(OpenTelemetry.noop());
            sdk.close();
        }
    }

    private static SpanData one(List<SpanData> spans, String name, long segment) {
        List<SpanData> found = spans.stream().filter(s -> s.getName().equals(name)
                && Long.valueOf(segment).equals(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("remotemedia.segment")))).toList();
        assertEquals(1, found.size(), name + " for segment " + segment + ": " + spans);
        return found.get(0);
    }
}
