package dev.remotemedia.remote;

import dev.remotemedia.pipeline.builtin.AudioStatsType;
import dev.remotemedia.testing.DelayedType;
import dev.remotemedia.testing.RemoteServers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.remotemedia.remote.RemoteHarness.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Graceful shutdown: a draining server refuses new streams but finishes the segments it holds. */
class DrainTest {
    @Test
    void drainingServerFinishesInFlightSegmentsAndRefusesNewStreams() throws Exception {
        try (RemoteServers servers = new RemoteServers()) {
            var s = servers.start(List.of(new DelayedType(new AudioStatsType(), 700)));
            String p = params(List.of(s.address()), "\"retry\":{\"max_retries\":0,\"backoff_ms\":10},\"health_check\":{\"interval_ms\":0}");
            try (RemoteHarness running = new RemoteHarness(p)) {
                running.send();
                RemoteHarness.eventually(3000, "segment in flight", () -> s.handler().activeUnits() == 1);
                assertEquals("gpu", s.handler().ready().await().indefinitely().getRole(), "ready before the drain");
                s.handler().drain();
                var notReady = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                        () -> s.handler().ready().await().indefinitely());
                assertEquals(io.grpc.Status.Code.UNAVAILABLE, notReady.getStatus().getCode(), "load balancers read the code: " + notReady);
                assertEquals(java.util.Optional.of(dev.remotemedia.pipeline.ErrorKind.Unavailable), dev.remotemedia.grpc.ErrorDetails.kind(notReady));
                try (RemoteHarness late = new RemoteHarness(p)) {
                    late.send();
                    late.awaitAll(5000);
                    var e = late.events("error").get(0).fields();
                    assertTrue(e.path("message").asText().contains("UNAVAILABLE") && e.path("message").asText().contains("draining"), e.toString());
                }
                assertTrue(s.handler().awaitIdle(Duration.ofSeconds(5)), "the in-flight segment finished");
                running.awaitAll(5000);
                assertEquals(1, running.events("result").size(), "and its result was delivered: " + running.summary());
            }
        }
    }
}
