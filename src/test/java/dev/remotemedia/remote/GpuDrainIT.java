package dev.remotemedia.remote;

import dev.remotemedia.grpc.ErrorDetails;
import dev.remotemedia.grpc.v1.ManifestRef;
import dev.remotemedia.grpc.v1.OpenSession;
import dev.remotemedia.grpc.v1.PipelineServiceGrpc;
import dev.remotemedia.grpc.v1.StreamRequest;
import dev.remotemedia.grpc.v1.StreamResponse;
import dev.remotemedia.load.ChildServer;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.testing.FreeGrpcPort;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real SIGTERM to a real gpu-role process: health says NOT_SERVING at once, segments in flight
 * finish and are delivered, new streams get UNAVAILABLE (ErrorInfo Unavailable) so the client
 * fails over to the other worker — nothing lost — and the process exits once idle.
 */
class GpuDrainIT {
    static final String SLOW = "{\"version\":\"v1\",\"nodes\":[{\"id\":\"wait\",\"node_type\":\"Delay\",\"params\":{\"ms\":2500}},"
            + "{\"id\":\"stats\",\"node_type\":\"AudioStats\"}],\"connections\":[{\"from\":\"wait\",\"to\":\"stats\"}]}";

    @Test
    void sigtermDrainsInFlightSegmentsAndSendsNewOnesElsewhere() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "drain-gpu"));
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        Files.writeString(pipelines.resolve("slow.json"), SLOW);
        int grpcPort = FreeGrpcPort.freePort(), httpPort = FreeGrpcPort.freePort();
        List<String> props = List.of("-Dquarkus.profile=prod,gpu", "-Dremotemedia.pipeline.manifests-dir=" + pipelines.toAbsolutePath(),
                "-Dremotemedia.grpc.drain-timeout-ms=20000");
        ChildServer draining = new ChildServer("gpu-draining", work, "127.0.0.2", httpPort, grpcPort, props);
        ChildServer other = new ChildServer("gpu-other", work, "127.0.0.3", httpPort, grpcPort, props);
        ManagedChannel channel = null;
        try {
            draining.start();
            other.start();
            draining.awaitUp(90_000);
            other.awaitUp(90_000);
            channel = ManagedChannelBuilder.forAddress("127.0.0.2", grpcPort).usePlaintext().build();
            var health = HealthGrpc.newBlockingStub(channel);
            RemoteHarness.eventually(30_000, "the worker reports SERVING", () -> status(health) == ServingStatus.SERVING);

            // "priority": everything goes to the first endpoint while it is usable
            String params = "{\"endpoints\":[\"127.0.0.2:" + grpcPort + "\",\"127.0.0.3:" + grpcPort + "\"],\"pipeline\":\"slow\","
                    + "\"load_balance_strategy\":\"priority\",\"timeout_ms\":10000,\"retry\":{\"max_retries\":3,\"backoff_ms\":50},"
                    + "\"health_check\":{\"interval_ms\":200,\"timeout_ms\":1000}}";
            try (RemoteHarness client = new RemoteHarness(params)) {
                client.send();
                client.send();
                RemoteHarness.sleep(800); // both are inside the 2.5 s Delay on 127.0.0.2
                long t0 = System.nanoTime();
                draining.terminate();
                RemoteHarness.eventually(2000, "NOT_SERVING right after SIGTERM", () -> status(health) == ServingStatus.NOT_SERVING);
                long notServingMs = (System.nanoTime() - t0) / 1_000_000;

                var refused = openStream(channel);
                assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(refused).getCode(), "new streams are refused: " + refused);
                assertEquals(java.util.Optional.of(ErrorKind.Unavailable), ErrorDetails.kind(refused), "retryable, typed: " + refused);

                client.send();
                client.send();
                client.awaitAll(20_000);
                client.assertExactlyOncePerSegmentInOrder();
                assertEquals(0, client.events("error").size(), client.summary());
                String gone = "127.0.0.2:" + grpcPort, kept = "127.0.0.3:" + grpcPort;
                assertEquals(Map.of(kept, 2L), client.servedBy(3, 4), "segments sent after SIGTERM went to the other worker");
                int code = draining.awaitExit(30_000);
                assertTrue(code >= 0, "the drained worker exits");
                String log = Files.readString(draining.log());
                // segments 1-2: those the worker was running finished there; any it had only queued failed over at once
                long finishedThere = client.servedBy(1, 2).getOrDefault(gone, 0L);
                assertTrue(finishedThere >= 1, "segment 1 was running on the draining worker and finished there: " + client.servedBy(1, 2));
                var drained = java.util.regex.Pattern.compile("drained: (\\d+) segment\\(s\\) were in flight, all finished").matcher(log);
                assertTrue(drained.find(), log);
                assertTrue(Integer.parseInt(drained.group(1)) >= finishedThere, "the worker counted what it finished: " + drained.group());
                System.out.printf("gpu drain: NOT_SERVING %d ms after SIGTERM, exit code %d%n", notServingMs, code);
            }
        } finally {
            if (channel != null) channel.shutdownNow();
            draining.kill();
            other.kill();
        }
    }

    private static ServingStatus status(HealthGrpc.HealthBlockingStub health) {
        try {
            return health.withDeadlineAfter(1, TimeUnit.SECONDS).check(HealthCheckRequest.newBuilder()
                    .setService("remotemedia.v1.PipelineService").build()).getStatus();
        } catch (RuntimeException e) {
            return ServingStatus.UNKNOWN;
        }
    }

    /** Opens a Stream on the draining worker; the failure it ends with. */
    private static Throwable openStream(ManagedChannel channel) throws Exception {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        var requests = PipelineServiceGrpc.newStub(channel).stream(new StreamObserver<StreamResponse>() {
            @Override public void onNext(StreamResponse value) { }
            @Override public void onError(Throwable t) { ended.complete(t); }
            @Override public void onCompleted() { ended.complete(new AssertionError("the stream completed instead of being refused")); }
        });
        requests.onNext(StreamRequest.newBuilder().setOpen(OpenSession.newBuilder().setManifest(ManifestRef.newBuilder().setPipeline("slow"))).build());
        return ended.get(5, TimeUnit.SECONDS);
    }
}
