package dev.remotemedia.remote;

import dev.remotemedia.pipeline.builtin.AudioStatsType;
import dev.remotemedia.testing.DelayedType;
import dev.remotemedia.testing.RemoteServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.remotemedia.remote.RemoteHarness.eventually;
import static dev.remotemedia.remote.RemoteHarness.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How each strategy distributes segments, measured on real servers. */
class LoadBalanceStrategyTest {
    final RemoteServers servers = new RemoteServers();

    @AfterEach
    void stop() {
        servers.close();
    }

    @Test
    void roundRobinSpreadsEvenly() throws Exception {
        var a = servers.start();
        var b = servers.start();
        var c = servers.start();
        try (RemoteHarness h = new RemoteHarness(params(List.of(a.address(), b.address(), c.address()),
                "\"load_balance_strategy\":\"round_robin\""))) {
            h.sendPaced(30, 10);
            h.awaitAll(10_000);
            h.assertExactlyOncePerSegmentInOrder();
            Map<String, Long> served = h.servedBy(1, 30);
            for (var s : List.of(a, b, c)) assertEquals(10L, served.get(s.address()), served.toString());
        }
    }

    @Test
    void leastConnectionsFavoursTheIdleEndpointWhenAnotherIsSlow() throws Exception {
        var slow = servers.start(List.of(new DelayedType(new AudioStatsType(), 400)));
        var fast = servers.start();
        try (RemoteHarness h = new RemoteHarness(params(List.of(slow.address(), fast.address()),
                "\"load_balance_strategy\":\"least_connections\""))) {
            h.sendPaced(20, 25);
            h.awaitAll(15_000);
            h.assertExactlyOncePerSegmentInOrder();
            long toFast = h.servedBy(1, 20).getOrDefault(fast.address(), 0L);
            assertTrue(toFast >= 15, "fast endpoint served " + toFast + " of 20: " + h.servedBy(1, 20));
        }
    }

    @Test
    void priorityStaysOnTheFirstHealthyEndpoint() throws Exception {
        var first = servers.start();
        var second = servers.start();
        try (RemoteHarness h = new RemoteHarness(params(List.of(first.address(), second.address()),
                "\"load_balance_strategy\":\"priority\",\"health_check\":{\"interval_ms\":100,\"timeout_ms\":200}"))) {
            h.sendPaced(10, 10);
            h.awaitAll(5000);
            assertEquals(Map.of(first.address(), 10L), h.servedBy(1, 10));
            first.kill();
            eventually(3000, "first marked unhealthy", () -> !h.endpoint(first.address()).healthy());
            h.sendPaced(10, 10);
            h.awaitAll(5000);
            assertEquals(Map.of(second.address(), 10L), h.servedBy(11, 20));
            h.assertExactlyOncePerSegmentInOrder();
        }
    }

    @Test
    void leastLatencyAvoidsTheDelayedEndpoint() throws Exception {
        var delayed = servers.start(List.of(new DelayedType(new AudioStatsType(), 150)));
        var quick = servers.start();
        try (RemoteHarness h = new RemoteHarness(params(List.of(delayed.address(), quick.address()),
                "\"load_balance_strategy\":\"least_latency\""))) {
            h.sendPaced(30, 40);
            h.awaitAll(15_000);
            h.assertExactlyOncePerSegmentInOrder();
            long toQuick = h.servedBy(1, 30).getOrDefault(quick.address(), 0L);
            // a strong majority (random or round robin give ≈15); one latency spike on the quick one may divert a few
            assertTrue(toQuick >= 22, "quick endpoint served " + toQuick + " of 30: " + h.servedBy(1, 30));
        }
    }

    @Test
    void randomUsesEveryEndpoint() throws Exception {
        var a = servers.start();
        var b = servers.start();
        try (RemoteHarness h = new RemoteHarness(params(List.of(a.address(), b.address()), "\"load_balance_strategy\":\"random\""))) {
            h.sendPaced(40, 5);
            h.awaitAll(10_000);
            h.assertExactlyOncePerSegmentInOrder();
            Map<String, Long> served = h.servedBy(1, 40);
            assertTrue(served.getOrDefault(a.address(), 0L) >= 8 && served.getOrDefault(b.address(), 0L) >= 8, served.toString());
        }
    }
}
