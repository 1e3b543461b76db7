package dev.remotemedia.cli;

import dev.remotemedia.grpc.FrameCodec;
import dev.remotemedia.grpc.v1.DescribeRequest;
import dev.remotemedia.grpc.v1.ManifestRef;
import dev.remotemedia.grpc.v1.OpenSession;
import dev.remotemedia.grpc.v1.PipelineServiceGrpc;
import dev.remotemedia.grpc.v1.StreamRequest;
import dev.remotemedia.grpc.v1.StreamResponse;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.SpeechSegment;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * `probe HOST:PORT` or `probe dns:///NAME:PORT` (every address the name resolves to, as a fleet's
 * clients see it): health, services (reflection), Describe and optionally one test segment with
 * its latency — a grpcurl stand-in that needs only this jar.
 */
@Command(name = "probe", description = "Check a remote instance: gRPC health, services, Describe, and optionally one test segment.")
final class ProbeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOST:PORT|dns:///NAME:PORT")
    String address;

    @Option(names = "--token", paramLabel = "T", description = "Bearer token (default: $REMOTEMEDIA_API_TOKEN).")
    String token = System.getenv("REMOTEMEDIA_API_TOKEN");

    @Option(names = "--tls", description = "Use TLS.")
    boolean tls;

    @Option(names = "--ca", paramLabel = "F", description = "PEM CA bundle to trust (with --tls).")
    Path ca;

    @Option(names = "--segment", description = "Also send one 1 s test segment through AudioStats and time it.")
    boolean segment;

    @Option(names = "--timeout-ms", defaultValue = "5000", description = "Deadline of each call (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        var target = dev.remotemedia.remote.EndpointTarget.parse(address); // the same forms RemotePipelineNode takes
        if (target == null) throw new IllegalArgumentException("address " + dev.remotemedia.remote.EndpointTarget.problem(address));
        String host = target.host();
        int port = target.port();
        if (!target.discovered()) return probe(out, host, port, null) ? 0 : 1;
        java.net.InetAddress[] addresses = java.net.InetAddress.getAllByName(host);
        out.printf("%s resolves to %d address(es)%n", address, addresses.length);
        int healthy = 0;
        for (java.net.InetAddress a : addresses) {
            out.printf("%n== %s:%d%n", a.getHostAddress(), port);
            if (probe(out, a.getHostAddress(), port, host + ":" + port)) healthy++;
        }
        out.printf("%n%d of %d endpoint(s) OK%n", healthy, addresses.length);
        return healthy == addresses.length ? 0 : 1;
    }

    /** Probes one address; {@code authority} is the name TLS checks when the address is an IP from discovery. */
    private boolean probe(PrintWriter out, String host, int port, String authority) throws Exception {
        ChannelCredentials credentials = InsecureChannelCredentials.create();
        if (tls) {
            var b = TlsChannelCredentials.newBuilder();
            if (ca != null) b.trustManager(ca.toFile());
            credentials = b.build();
        }
        var builder = Grpc.newChannelBuilderForAddress(host, port, credentials);
        if (authority != null) builder.overrideAuthority(authority);
        ManagedChannel channel = builder.build();
        Metadata headers = new Metadata();
        if (token != null && !token.isBlank()) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        var auth = MetadataUtils.newAttachHeadersInterceptor(headers);
        boolean ok = true;
        try {
            var health = HealthGrpc.newBlockingStub(channel).withInterceptors(auth).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
            for (String service : List.of("", "remotemedia.v1.PipelineService")) {
                try {
                    var status = health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
                    out.printf("health %-32s %s%n", service.isEmpty() ? "(server)" : service, status);
                    ok &= status == io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
                } catch (StatusRuntimeException e) {
                    out.printf("health %-32s %s%n", service.isEmpty() ? "(server)" : service, e.getStatus());
                    ok = false;
                }
            }
            out.println("services: " + String.join(", ", services(channel, auth)));
            var d = PipelineServiceGrpc.newBlockingStub(channel).withInterceptors(auth).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                    .describe(DescribeRequest.getDefaultInstance());
            out.printf("describe: role %s, server %s, version %s, streams %d/%d%n", d.getRole(), d.getServerId(), d.getVersion(),
                    d.getCapacity().getActiveStreams(), d.getCapacity().getMaxStreams());
            out.println("node types: " + String.join(", ", d.getNodeTypesList().stream().map(t -> t.getName()).toList()));
            out.println("loaded: " + (d.getLoadedModelsCount() == 0 ? "(nothing yet)" : String.join(", ", d.getLoadedModelsList())));
            out.println("serves: " + (d.getServesAnyPipeline() ? "any pipeline" : String.join(", ", d.getPipelinesList().stream()
                    .map(p -> p.getName() + (p.getWarm() ? " (warm)" : "")).toList())));
            out.printf("load: %d segment(s) in flight, %d served, recent queue wait %.1f ms%n", d.getLoad().getSegmentsInflight(),
                    d.getLoad().getSegmentsServed(), d.getLoad().getQueueWaitMsRecent());
            if (segment) ok &= testSegment(out, channel, auth);
        } catch (StatusRuntimeException e) {
            out.println("error: " + e.getStatus());
            ok = false;
        } finally {
            channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
        out.println(ok ? "OK" : "NOT OK");
        return ok;
    }

    private List<String> services(ManagedChannel channel, io.grpc.ClientInterceptor auth) throws Exception {
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        var requests = ServerReflectionGrpc.newStub(channel).withInterceptors(auth).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    final List<String> names = new ArrayList<>();
                    @Override public void onNext(ServerReflectionResponse r) {
                        r.getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
                    }
                    @Override public void onError(Throwable t) { result.complete(List.of("(reflection unavailable: " + t.getMessage() + ")")); }
                    @Override public void onCompleted() { result.complete(names); }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        return result.get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private boolean testSegment(PrintWriter out, ManagedChannel channel, io.grpc.ClientInterceptor auth) throws Exception {
        float[] tone = new float[16000];
        for (int i = 0; i < tone.length; i++) tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / 16000.0));
        var seg = new SpeechSegment(1, 0, 1000, new AudioFrame(tone, 16000, 1, 0));
        CompletableFuture<String> done = new CompletableFuture<>();
        long[] t0 = new long[1];
        var requests = PipelineServiceGrpc.newStub(channel).withInterceptors(auth).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                .stream(new StreamObserver<StreamResponse>() {
                    String result = "";
                    @Override public void onNext(StreamResponse r) {
                        if (r.hasResult()) result = FrameCodec.json(r.getResult().getEvent().getFields()).toString();
                        if (r.hasSegmentDone()) done.complete(result);
                        if (r.hasError()) done.completeExceptionally(new IllegalStateException(r.getError().getKind() + ": " + r.getError().getMessage()));
                    }
                    @Override public void onError(Throwable t) { done.completeExceptionally(t); }
                    @Override public void onCompleted() { done.complete(result); }
                });
        requests.onNext(StreamRequest.newBuilder().setOpen(OpenSession.newBuilder().setClientSessionId("probe").setManifest(
                ManifestRef.newBuilder().setInlineJson("{\"version\":\"v1\",\"nodes\":[{\"id\":\"stats\",\"node_type\":\"AudioStats\"}]}"))).build());
        t0[0] = System.nanoTime();
        requests.onNext(StreamRequest.newBuilder().setFrame(FrameCodec.builder(seg, 1, dev.remotemedia.grpc.v1.ImageFormat.RGB24).setSegmentId(1)).build());
        try {
            String result = done.get(timeoutMs, TimeUnit.MILLISECONDS);
            out.printf("test segment: %.1f ms round trip, result %s%n", (System.nanoTime() - t0[0]) / 1e6, result);
            return true;
        } catch (Exception e) {
            out.println("test segment failed: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            return false;
        } finally {
            requests.onCompleted();
        }
    }
}
