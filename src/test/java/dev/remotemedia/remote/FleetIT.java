package dev.remotemedia.remote;

import dev.remotemedia.load.ChildServer;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.testing.FreeGrpcPort;
import dev.remotemedia.testing.Signals;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet on one machine: gpu-role workers (the packaged app, real processes) on 127.0.0.2,
 * 127.0.0.3 and 127.0.0.4 sharing one gRPC port, one name resolving to them through the JDK's
 * hosts file (this JVM runs with {@code -Djdk.net.hosts.file}, see the pom), and the local role
 * here using {@code dns:///NAME:PORT} for a dozen concurrent sessions. Shares, a SIGKILL mid-run,
 * a departed and a new address, and a pipeline only one worker serves.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class FleetIT {
    static final String NAME = "gpu-workers.fleet.test";
    static final int SESSIONS = 12;
    static final long REFRESH_MS = 1000, HEALTH_MS = 500;
    static final String STATS = "{\"version\":\"v1\",\"nodes\":[{\"id\":\"stats\",\"node_type\":\"AudioStats\"}]}";

    static Path work;
    static Path hosts;
    static final int grpcPort = FreeGrpcPort.freePort(), httpPort = FreeGrpcPort.freePort();
    static final List<ChildServer> workers = new ArrayList<>();

    @BeforeAll
    static void startWorkers() throws Exception {
        hosts = Path.of(System.getProperty("jdk.net.hosts.file", ""));
        assertTrue(hosts.isAbsolute(), "run with -Djdk.net.hosts.file=<absolute path> (the pom's fleet execution sets it)");
        work = Files.createDirectories(Path.of("target", "fleet"));
        Path all = Files.createDirectories(work.resolve("pipelines-common"));
        Files.writeString(all.resolve("fleet-stats.json"), STATS);
        Path first = Files.createDirectories(work.resolve("pipelines-first"));
        Files.writeString(first.resolve("fleet-stats.json"), STATS);
        Files.writeString(first.resolve("only-here.json"), STATS);
        for (int i = 0; i < 4; i++) {
            String ip = "127.0.0." + (2 + i);
            boolean isFirst = i == 0;
            workers.add(new ChildServer("worker-" + ip, work, ip, httpPort, grpcPort, List.of("-Dquarkus.profile=prod,gpu",
                    "-Dquarkus.log.console.json.enabled=false",
                    "-Dremotemedia.pipeline.manifests-dir=" + (isFirst ? first : all).toAbsolutePath(),
                    "-Dremotemedia.grpc.pipelines=" + (isFirst ? "fleet-stats,only-here" : "fleet-stats"))));
        }
        for (ChildServer w : workers) w.start();
        for (ChildServer w : workers) w.awaitUp(90_000);
        writeHosts(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")); // the fourth is up, not yet in DNS
    }

    @AfterAll
    static void stopWorkers() {
        workers.forEach(ChildServer::kill);
    }

    static void writeHosts(List<String> ips) throws Exception {
        ChildServer.writeHosts(hosts, NAME, ips);
    }

    static java.net.http.HttpResponse<String> http(String url) throws Exception {
        return http(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build());
    }

    static java.net.http.HttpResponse<String> http(java.net.http.HttpRequest request) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void rolesAreProfilesThatChangeWhatIsServed() throws Exception {
        // gpu: the edge answers 404 naming the role; health and metrics stay on
        String worker = "http://" + workers.get(0).host + ":" + httpPort;
        var page = http(worker + "/");
        assertEquals(404, page.statusCode());
        assertTrue(page.body().contains("gpu role"), page.body());
        var whip = http(java.net.http.HttpRequest.newBuilder(java.net.URI.create(worker + "/whip"))
                .header("Content-Type", "application/sdp").POST(java.net.http.HttpRequest.BodyPublishers.ofString("v=0")).build());
        assertEquals(404, whip.statusCode(), whip.body());
        assertEquals(200, http(worker + "/q/health/ready").statusCode());

        // local (the default profile): the page is served; PipelineService is not (UNAVAILABLE naming the role)
        int localHttp = FreeGrpcPort.freePort(), localGrpc = FreeGrpcPort.freePort();
        ChildServer local = new ChildServer("local-default-profile", work, "127.0.0.1", localHttp, localGrpc,
                List.of("-Dquarkus.log.console.json.enabled=false"));
        local.start();
        try {
            local.awaitUp(90_000);
            java.net.http.HttpResponse<String> page2 = null;
            for (long deadline = System.currentTimeMillis() + 30_000; page2 == null && System.currentTimeMillis() < deadline; ) {
                try {
                    page2 = http("http://127.0.0.1:" + localHttp + "/"); // HTTP starts just after gRPC
                } catch (java.io.IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertEquals(200, page2 == null ? -1 : page2.statusCode(), "the local role serves the page");
            assertEquals(200, http("http://127.0.0.1:" + localHttp + "/q/health/ready").statusCode(), "and is ready");
            var channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", localGrpc).usePlaintext().build();
            try {
                var refused = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                        () -> dev.remotemedia.grpc.v1.PipelineServiceGrpc.newBlockingStub(channel)
                                .describe(dev.remotemedia.grpc.v1.DescribeRequest.getDefaultInstance()));
                assertEquals(io.grpc.Status.Code.UNAVAILABLE, refused.getStatus().getCode());
                assertTrue(refused.getStatus().getDescription().contains("local role"), refused.getStatus().toString());
            } finally {
                channel.shutdownNow();
            }
        } finally {
            local.kill();
        }
    }

    /** The local role: one engine, {@code SESSIONS} sessions each with a RemotePipelineNode on the dns:/// name. */
    static final class LocalInstance implements AutoCloseable {
        final PipelineEngine engine = PipelineEngine.standalone();
        final List<UnicastProcessor<Frame>> inputs = new ArrayList<>();
        final List<List<EventFrame>> events = new ArrayList<>();
        int next = 1;

        LocalInstance(String pipeline, int sessions) {
            var manifest = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":{"
                    + "\"endpoint\":\"dns:///" + NAME + ":" + grpcPort + "\",\"pipeline\":\"" + pipeline + "\",\"timeout_ms\":3000,"
                    + "\"retry\":{\"max_retries\":3,\"backoff_ms\":200},\"discovery\":{\"refresh_ms\":" + REFRESH_MS + "},"
                    + "\"circuit_breaker\":{\"failure_threshold\":2,\"success_threshold\":1,\"reset_timeout_ms\":5000},"
                    + "\"health_check\":{\"interval_ms\":" + HEALTH_MS + ",\"timeout_ms\":1500}}}]}", "fleet-local");
            for (int s = 0; s < sessions; s++) {
                UnicastProcessor<Frame> in = UnicastProcessor.create();
                List<EventFrame> out = new CopyOnWriteArrayList<>();
                engine.open(manifest, "fleet-" + s).run(in).subscribe().with(f -> {
                    if (f instanceof EventFrame e) out.add(e);
                }, e -> { });
                inputs.add(in);
                events.add(out);
            }
        }

        /** One segment on every session (same id on each). */
        int sendRound() {
            int id = next++;
            float[] tone = Signals.sine(300 + id, 16000, 0.2, 0.3);
            for (UnicastProcessor<Frame> in : inputs) {
                in.onNext(new SpeechSegment(id, id * 1000L, id * 1000L + 200, new AudioFrame(tone, 16000, 1, id * 1000L)));
            }
            return id;
        }

        List<EventFrame> all(String type) {
            return events.stream().flatMap(List::stream).filter(e -> e.type().equals(type)).toList();
        }

        /** Results per worker address among segments [from, to]. */
        Map<String, Long> servedBy(int from, int to) {
            return all("result").stream().filter(e -> e.segment() >= from && e.segment() <= to)
                    .collect(Collectors.groupingBy(e -> e.fields().path("endpoint").asText(), TreeMap::new, Collectors.counting()));
        }

        /** Waits until every session has a result or an error for every segment sent; asserts exactly one result each. */
        void awaitExactlyOnce(long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (System.currentTimeMillis() < deadline && !settled()) Thread.sleep(50);
            for (int s = 0; s < events.size(); s++) {
                List<Integer> ids = events.get(s).stream().filter(e -> e.type().equals("result")).map(EventFrame::segment).toList();
                List<Integer> expected = new ArrayList<>();
                for (int i = 1; i < next; i++) expected.add(i);
                assertEquals(expected, ids, "session " + s + ": one result per segment, in order (0 lost, 0 duplicated); errors "
                        + events.get(s).stream().filter(e -> e.type().equals("error")).map(e -> e.fields().toString()).toList());
            }
        }

        private boolean settled() {
            return events.stream().allMatch(list -> list.stream().filter(e -> e.type().equals("result") || e.type().equals("error"))
                    .map(EventFrame::segment).distinct().count() >= next - 1);
        }

        @Override
        public void close() {
            inputs.forEach(UnicastProcessor::onComplete);
            engine.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aDozenSessionsShareTheFleetSurviveASigkillAndFollowDns() throws Exception {
        String w1 = workers.get(0).grpcAddress(), w2 = workers.get(1).grpcAddress(), w3 = workers.get(2).grpcAddress(),
                w4 = workers.get(3).grpcAddress();
        try (LocalInstance local = new LocalInstance("fleet-stats", SESSIONS)) {
            // 1. shares: 12 sessions × 10 segments over three workers (after 3 warm-up rounds: fresh JVMs)
            for (int i = 0; i < 13; i++) {
                local.sendRound();
                Thread.sleep(100);
            }
            local.awaitExactlyOnce(20_000);
            Map<String, Long> shares = local.servedBy(4, 13);
            System.out.println("fleet shares (120 segments): " + shares);
            assertEquals(3, shares.size(), shares.toString());
            for (String w : List.of(w1, w2, w3)) {
                long n = shares.getOrDefault(w, 0L);
                assertTrue(n >= 28 && n <= 52, "each worker within ±30 % of 40: " + shares);
            }

            // the workers publish the load they serve (what GPU services scale on)
            String metrics = http("http://" + workers.get(0).host + ":" + httpPort + "/q/metrics").body();
            var served = java.util.regex.Pattern.compile("remotemedia_segments_served_total\\{outcome=\"ok\",pipeline=\"fleet-stats\"} ([0-9.E]+)")
                    .matcher(metrics);
            assertTrue(served.find(), "segments served by pipeline and outcome in /q/metrics");
            assertEquals(local.servedBy(1, 13).get(w1).doubleValue(), Double.parseDouble(served.group(1)), "worker 1 counted what it served");
            for (String name : List.of("remotemedia_segment_processing_seconds_bucket", "remotemedia_segments_inflight ",
                    "remotemedia_queue_wait_seconds_count")) {
                assertTrue(metrics.contains(name), name + " in /q/metrics");
            }

            // 2. SIGKILL worker 2 while segments are in flight: nothing lost, nothing duplicated
            for (int i = 0; i < 20; i++) {
                if (i == 5) workers.get(1).kill();
                local.sendRound();
                Thread.sleep(100);
            }
            local.awaitExactlyOnce(30_000);
            Map<String, Long> afterKill = local.servedBy(20, 33);
            System.out.println("after SIGKILL of " + w2 + ": " + afterKill + ", failovers " + local.all("failover").size());
            assertFalse(afterKill.containsKey(w2), "no traffic to the killed worker: " + afterKill);
            for (String w : List.of(w1, w3)) {
                long n = afterKill.getOrDefault(w, 0L);
                assertTrue(n >= 59 && n <= 109, "the survivors split the load within ±30 %: " + afterKill);
            }

            // 3. DNS: the dead task leaves, a fourth joins and gets traffic within refresh + health interval
            writeHosts(List.of("127.0.0.2", "127.0.0.4", "127.0.0.5"));
            long changed = System.nanoTime();
            int firstAfter = local.next;
            long joinedMs = -1;
            for (int i = 0; i < 40 && joinedMs < 0; i++) {
                local.sendRound();
                Thread.sleep(100);
                if (local.servedBy(firstAfter, local.next).containsKey(w4)) joinedMs = (System.nanoTime() - changed) / 1_000_000;
            }
            for (int i = 0; i < 10; i++) {
                local.sendRound();
                Thread.sleep(100);
            }
            local.awaitExactlyOnce(30_000);
            System.out.println("fourth worker " + w4 + " got its first segment " + joinedMs + " ms after the hosts file changed; then "
                    + local.servedBy(local.next - 10, local.next));
            assertTrue(joinedMs >= 0 && joinedMs <= REFRESH_MS + HEALTH_MS + 1000,
                    "the fourth worker gets traffic within refresh + health interval (+1 s slack): " + joinedMs + " ms");
            Map<String, Long> last = local.servedBy(local.next - 10, local.next);
            for (String w : List.of(w1, w3, w4)) assertTrue(last.getOrDefault(w, 0L) >= 25, "even again over the new three: " + last);
            assertEquals(List.of(), local.all("error"));
        }

        // 4. a pipeline only the first worker serves goes only there (the others are never tried)
        try (LocalInstance exclusive = new LocalInstance("only-here", 4)) {
            Thread.sleep(HEALTH_MS * 2); // the pool's first Describe answers
            for (int i = 0; i < 5; i++) {
                exclusive.sendRound();
                Thread.sleep(100);
            }
            exclusive.awaitExactlyOnce(20_000);
            assertEquals(Map.of(w1, 20L), exclusive.servedBy(1, 5));
            assertEquals(List.of(), exclusive.all("error"));
        }
    }
}
