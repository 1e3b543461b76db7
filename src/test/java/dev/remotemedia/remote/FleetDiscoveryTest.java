package dev.remotemedia.remote;

import dev.remotemedia.pipeline.builtin.AudioStatsType;
import dev.remotemedia.testing.FreeGrpcPort;
import dev.remotemedia.testing.RemoteServers;
import dev.remotemedia.testing.DelayedType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static dev.remotemedia.remote.RemoteHarness.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dns:/// endpoints against real gRPC servers bound to 127.0.0.2, 127.0.0.3, … on one port (a
 * fleet's tasks), with the name's records held by the test: shares, joins, departures and
 * capability-aware routing.
 */
class FleetDiscoveryTest {
    static final String NAME = "workers.fleet.test";
    final RemoteServers servers = new RemoteServers();
    final List<String> records = new CopyOnWriteArrayList<>();
    final EndpointPool.Resolver dns = host -> {
        if (!host.equals(NAME) || records.isEmpty()) throw new UnknownHostException(host);
        List<InetAddress> out = new ArrayList<>();
        for (String ip : records) out.add(InetAddress.getByName(ip));
        return out;
    };
    final int port = FreeGrpcPort.freePort();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        servers.close();
    }

    private RemoteServers.Instance worker(String ip, List<String> pipelines, Path pipelinesDir) throws Exception {
        records.add(ip);
        return servers.startOn(ip, port, pipelinesDir, pipelines, List.of());
    }

    private String params(String pipelineOrManifest, String extra) {
        return "{\"endpoint\":\"dns:///" + NAME + ":" + port + "\"," + pipelineOrManifest
                + ",\"discovery\":{\"refresh_ms\":200},\"health_check\":{\"interval_ms\":100,\"timeout_ms\":500}"
                + ",\"retry\":{\"max_retries\":2,\"backoff_ms\":50}" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static String manifest() {
        return "\"manifest\":" + RemoteHarness.STATS;
    }

    @Test
    void everyAddressIsItsOwnEndpointAndNewOnesJoinWhileGoneOnesGetNoMore() throws Exception {
        var a = worker("127.0.0.2", List.of(), Path.of("manifests"));
        var b = worker("127.0.0.3", List.of(), Path.of("manifests"));
        var c = worker("127.0.0.4", List.of(), Path.of("manifests"));
        try (RemoteHarness h = new RemoteHarness(params(manifest(), "\"load_balance_strategy\":\"round_robin\""), dns)) {
            h.sendPaced(30, 10);
            h.awaitAll(10_000);
            Map<String, Long> served = h.servedBy(1, 30);
            for (var s : List.of(a, b, c)) assertEquals(10L, served.get(s.address()), "round robin over the three addresses: " + served);

            // the task behind .2 goes away and a fourth task appears in DNS
            records.remove("127.0.0.2");
            long changed = System.nanoTime();
            var d = worker("127.0.0.5", List.of(), Path.of("manifests"));
            eventually(3000, "the fourth address joins", () -> h.pool().endpoints().stream()
                    .anyMatch(e -> e.address().equals(d.address()) && e.state() == Endpoint.State.ACTIVE));
            long joinedMs = (System.nanoTime() - changed) / 1_000_000;
            assertTrue(joinedMs <= 200 + 100 + 1000, "joined within refresh + health interval (+ slack): " + joinedMs + " ms");
            eventually(3000, "the departed address leaves", () -> h.pool().endpoints().stream().noneMatch(e -> e.address().equals(a.address())));

            h.sendPaced(30, 10);
            h.awaitAll(10_000);
            h.assertExactlyOncePerSegmentInOrder();
            Map<String, Long> after = h.servedBy(31, 60);
            assertFalse(after.containsKey(a.address()), "no segment to the departed address: " + after);
            assertEquals(10L, after.get(d.address()), "the new address takes its share: " + after);
            assertEquals(List.of(), h.events("error"));
        }
    }

    @Test
    void aPipelineOnlyOneWorkerServesGoesOnlyThere() throws Exception {
        Path onlyHere = Files.createDirectories(dir.resolve("a"));
        Files.writeString(onlyHere.resolve("only-here.json"), RemoteHarness.STATS);
        Files.writeString(onlyHere.resolve("everywhere.json"), RemoteHarness.STATS);
        Path common = Files.createDirectories(dir.resolve("common"));
        Files.writeString(common.resolve("everywhere.json"), RemoteHarness.STATS);
        var a = worker("127.0.0.2", List.of("only-here", "everywhere"), onlyHere);
        worker("127.0.0.3", List.of("everywhere"), common);
        worker("127.0.0.4", List.of("everywhere"), common);
        try (RemoteHarness h = new RemoteHarness(params("\"pipeline\":\"only-here\"", ""), dns)) {
            eventually(3000, "every worker described itself", () -> h.pool().endpoints().stream()
                    .allMatch(e -> e.capabilities() != Capabilities.UNKNOWN));
            h.sendPaced(12, 10);
            h.awaitAll(10_000);
            h.assertExactlyOncePerSegmentInOrder();
            assertEquals(Map.of(a.address(), 12L), h.servedBy(1, 12));
            assertEquals(List.of(), h.events("failover"), "workers that do not advertise it are never tried");
        }
    }

    @Test
    void aWorkerThatCannotRunThePipelineIsSkippedAndTheSegmentFailsOver() throws Exception {
        // no allow-lists: the workers cannot say in advance; two of them answer "no such pipeline"
        Path has = Files.createDirectories(dir.resolve("has"));
        Files.writeString(has.resolve("rare.json"), RemoteHarness.STATS);
        Path lacks = Files.createDirectories(dir.resolve("lacks"));
        worker("127.0.0.2", List.of(), lacks);
        worker("127.0.0.3", List.of(), lacks);
        var c = worker("127.0.0.4", List.of(), has);
        try (RemoteHarness h = new RemoteHarness(params("\"pipeline\":\"rare\"", "\"load_balance_strategy\":\"round_robin\""), dns)) {
            h.sendPaced(3, 10);
            h.awaitAll(10_000);
            h.sendPaced(6, 10); // once both answered "not here", they are skipped for this pipeline
            h.awaitAll(10_000);
            h.assertExactlyOncePerSegmentInOrder();
            assertEquals(Map.of(c.address(), 9L), h.servedBy(1, 9));
            assertEquals(List.of(), h.events("error"));
            assertTrue(h.events("failover").stream().allMatch(e -> e.segment() <= 3),
                    "after learning, the lacking workers are not tried again: " + h.events("failover"));
            h.pool().endpoints().forEach(e -> assertEquals(io.smallrye.faulttolerance.api.CircuitBreakerState.CLOSED, e.breaker(),
                    "'not served here' is not a fault of " + e.address()));
        }
    }

    @Test
    void whenNoWorkerCanServeItTheErrorIsImmediateAndSaysSo() throws Exception {
        Path common = Files.createDirectories(dir.resolve("common"));
        Files.writeString(common.resolve("everywhere.json"), RemoteHarness.STATS);
        worker("127.0.0.2", List.of("everywhere"), common);
        worker("127.0.0.3", List.of(), common);
        try (RemoteHarness h = new RemoteHarness(params("\"pipeline\":\"nowhere\"", "\"retry\":{\"max_retries\":3,\"backoff_ms\":1000}"), dns)) {
            h.send();
            h.awaitAll(5000);
            var error = h.events("error").get(0);
            assertEquals("AllEndpointsFailed", error.fields().path("kind").asText());
            String message = error.fields().path("message").asText();
            assertTrue(message.contains("no endpoint in the group can serve pipeline \"nowhere\""), message);
            long ms = (h.answeredAt.get(1) - h.sentAt.get(1)) / 1_000_000;
            assertTrue(ms < 1000, "no backoff for what no retry can fix: " + ms + " ms");
        }
    }

    @Test
    void aWorkerThatWasSlowOnceGetsTrafficBack() throws Exception {
        AtomicLong delay = new AtomicLong(60);
        var slowOnce = servers.startOn("127.0.0.2", port, Path.of("manifests"), List.of(), List.of(new DelayedType(new AudioStatsType(), delay::get)));
        records.add("127.0.0.2");
        var fast = worker("127.0.0.3", List.of(), Path.of("manifests"));
        try (RemoteHarness h = new RemoteHarness(params(manifest(), "\"load_balance_strategy\":\"least_latency\""), dns)) {
            h.sendPaced(4, 100);
            h.awaitAll(5000);
            assertTrue(h.servedBy(1, 4).getOrDefault(slowOnce.address(), 0L) >= 1, "the slow worker was tried: " + h.servedBy(1, 4));
            delay.set(0); // it recovers; with a latency estimate that never decays it would never be picked again
            h.sendPaced(80, 100);
            h.awaitAll(10_000);
            h.assertExactlyOncePerSegmentInOrder();
            long back = h.servedBy(5, 84).getOrDefault(slowOnce.address(), 0L);
            assertTrue(back >= 5, "the once-slow worker gets traffic back: " + h.servedBy(5, 84));
            assertTrue(h.servedBy(5, 84).getOrDefault(fast.address(), 0L) >= 5);
        }
    }
}
