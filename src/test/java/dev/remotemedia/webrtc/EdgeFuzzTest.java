package dev.remotemedia.webrtc;

import com.google.protobuf.ByteString;
import dev.remotemedia.grpc.StreamHandler;
import dev.remotemedia.grpc.v1.AudioData;
import dev.remotemedia.grpc.v1.DataFrame;
import dev.remotemedia.grpc.v1.EndOfInput;
import dev.remotemedia.grpc.v1.ManifestRef;
import dev.remotemedia.grpc.v1.OpenSession;
import dev.remotemedia.grpc.v1.PipelineServiceGrpc;
import dev.remotemedia.grpc.v1.StreamRequest;
import dev.remotemedia.grpc.v1.StreamResponse;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.FreeGrpcPort;
import dev.remotemedia.testing.Speech;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded, bounded fuzzing of every edge of a running instance while a witness session talks:
 * malformed, truncated and oversized SDP and trickle bodies, random bytes on the data channel,
 * garbage and out-of-order gRPC frames (and bytes that are no protobuf at all), hostile YAML
 * manifests. Nothing may crash, answer 5xx, hang or leak streams, every rejection names what
 * was wrong, and the witness gets every result. {@code -Dfuzz.seed=N} replays a run.
 */
@QuarkusTest
@QuarkusTestResource(FreeGrpcPort.class)
class EdgeFuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", 20261201L);
    static final String TOKEN = "test-token-abc";

    @TestHTTPResource("/whip")
    URL whip;

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int grpcPort;

    @Inject
    WebRtcSessions sessions;

    @Inject
    StreamHandler handler;

    final Random random = new Random(SEED);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<String> rejections = new ArrayList<>();

    @Test
    void nothingAnEdgeReceivesCrashesHangsOrDisturbsAnotherSession() throws Exception {
        var speech = Speech.phrases(Files.createTempDirectory("fuzz"), 48000, 0.5, 1.5, 0.8, Speech.THREE);
        try (PeerFactory peers = new PeerFactory(); WhipClient witness = new WhipClient(peers.get(), false);
             WhipClient victim = new WhipClient(peers.get(), false)) {
            assertEquals(201, witness.connect(whip + "?pipeline=dev-local", null, "127.0.0.1", Duration.ofSeconds(10)));
            assertEquals(201, victim.connect(whip + "?pipeline=vad", null, "127.0.0.1", Duration.ofSeconds(10)));
            String validOffer = new WhipClient(peers.get(), false).offerSdp();
            CompletableFuture<Void> talking = CompletableFuture.runAsync(() -> {
                try {
                    witness.stream(speech.samples());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            System.gc();
            long heapBefore = heapUsed();
            int streamsBefore = handler.activeStreams();

            fuzzOffers(validOffer, 150);
            fuzzTrickle(victim, 100);
            fuzzDataChannel(victim, 200);
            fuzzGrpcFrames(100);
            fuzzGrpcBytes(50);
            fuzzManifests();

            talking.get(60, TimeUnit.SECONDS);
            long deadline = System.currentTimeMillis() + 15_000;
            while (results(witness) < 3 && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertEquals(3, results(witness), "the witness session was undisturbed: " + witness.events());
            assertEquals(200, witness.delete());
            assertEquals(200, victim.delete(), "the fuzzed session is still there to be deleted");
            long streams = System.currentTimeMillis() + 10_000;
            while (handler.activeStreams() > streamsBefore && System.currentTimeMillis() < streams) Thread.sleep(50);
            assertTrue(handler.activeStreams() <= streamsBefore, "no stuck gRPC streams: " + handler.activeStreams() + " > " + streamsBefore);
            long sessionsDeadline = System.currentTimeMillis() + 10_000;
            while (sessions.count() > 0 && System.currentTimeMillis() < sessionsDeadline) Thread.sleep(50);
            assertEquals(0, sessions.count(), "no stuck WebRTC sessions");
            System.gc();
            long grownMb = (heapUsed() - heapBefore) >> 20;
            assertTrue(grownMb < 64, "heap bounded: grew " + grownMb + " MB");
            System.out.printf("fuzz seed %d: %d rejections, heap %+d MB; e.g. %s%n", SEED, rejections.size(), grownMb,
                    rejections.stream().distinct().limit(12).toList());
        }
    }

    // ---- WHIP offers: mutations of a valid offer, random bytes, truncation, oversize ----

    private void fuzzOffers(String valid, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            String body = switch (i % 6) {
                case 0 -> valid.substring(0, random.nextInt(valid.length())); // truncated
                case 1 -> flipBytes(valid, 1 + random.nextInt(20));
                case 2 -> dropLines(valid);
                case 3 -> new String(randomBytes(random.nextInt(4096)), StandardCharsets.ISO_8859_1);
                case 4 -> "v=0\r\n" + "a=x:" + "y".repeat(65_536 + random.nextInt(200_000)); // oversized
                default -> valid.replace("a=ice-ufrag:", i % 2 == 0 ? "a=ice-ufrag:\u0000" : "a=x-ufrag:");
            };
            String type = random.nextInt(10) == 0 ? "text/plain" : "application/sdp";
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(whip.toString())).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.ISO_8859_1)));
            if (r.statusCode() == 201) { // a mutation libwebrtc still accepts: a real session, end it
                String location = URI.create(whip.toString()).resolve(r.headers().firstValue("Location").orElseThrow()).toString();
                send(HttpRequest.newBuilder(URI.create(location)).DELETE());
                continue;
            }
            rejected("POST /whip", r, 400, 413, 415, 503);
        }
    }

    // ---- trickle / ICE restart bodies against one live session ----

    private void fuzzTrickle(WhipClient victim, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            String body = switch (i % 5) {
                case 0 -> "a=candidate:" + new String(randomBytes(random.nextInt(200)), StandardCharsets.ISO_8859_1) + "\r\n";
                case 1 -> "a=mid:" + random.nextInt() + "\r\na=candidate:1 1 udp 1 999.1.1.1 70000 typ nonsense\r\n";
                case 2 -> new String(randomBytes(random.nextInt(2048)), StandardCharsets.ISO_8859_1);
                case 3 -> "a=ice-ufrag:\r\na=ice-pwd:\r\n"; // empty credentials
                default -> "a=end-of-candidates\r\n" + "x".repeat(random.nextInt(100_000));
            };
            String ifMatch = random.nextBoolean() ? victim.etag() : random.nextBoolean() ? "*" : "\"junk\"";
            HttpResponse<String> r = victim.patch(random.nextInt(8) == 0 ? "application/json" : WhipResource.SDPFRAG, ifMatch, body);
            if (r.statusCode() == 204 || r.statusCode() == 200) continue;
            rejected("PATCH", r, 400, 412, 413, 415, 422);
        }
    }

    // ---- random bytes on the data channel ----

    private void fuzzDataChannel(WhipClient victim, int n) {
        for (int i = 0; i < n; i++) {
            try {
                victim.sendOnEvents(randomBytes(1 + random.nextInt(i % 10 == 0 ? 60_000 : 2000)), random.nextBoolean());
            } catch (Exception e) {
                // the client's stack may refuse a message over the announced a=max-message-size: fine
            }
        }
    }

    // ---- gRPC: out-of-order and garbage frames ----

    private void fuzzGrpcFrames(int n) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            var stub = PipelineServiceGrpc.newStub(channel).withInterceptors(bearer());
            for (int i = 0; i < n; i++) {
                List<StreamRequest> script = new ArrayList<>();
                int kind = i % 6;
                if (kind != 0) script.add(open(random.nextInt(5) == 0 ? "no-such-pipeline" : "stats"));
                if (kind == 2) script.add(open("stats")); // opened twice
                if (kind == 3) script.add(StreamRequest.newBuilder().setEnd(EndOfInput.getDefaultInstance()).build());
                for (int f = 0; f < 1 + random.nextInt(4); f++) script.add(StreamRequest.newBuilder().setFrame(garbageFrame()).build());
                if (kind == 4) script.add(StreamRequest.getDefaultInstance()); // empty oneof
                CompletableFuture<String> ended = new CompletableFuture<>();
                List<StreamResponse> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
                var requests = stub.withDeadlineAfter(10, TimeUnit.SECONDS).stream(new StreamObserver<>() {
                    @Override public void onNext(StreamResponse r) { answers.add(r); }
                    @Override public void onError(Throwable t) { ended.complete(io.grpc.Status.fromThrowable(t).toString()); }
                    @Override public void onCompleted() { ended.complete("completed"); }
                });
                script.forEach(requests::onNext);
                requests.onCompleted();
                String how = ended.get(15, TimeUnit.SECONDS); // never stuck: every stream ends
                assertTrue(!how.contains("DEADLINE_EXCEEDED"), "stream " + i + " hung until its deadline: " + how);
                assertTrue(!how.contains("INTERNAL"), "stream " + i + " crashed the handler: " + how);
                answers.stream().filter(StreamResponse::hasError).forEach(a -> {
                    assertTrue(!a.getError().getMessage().isBlank() && !a.getError().getKind().isBlank(), a.toString());
                    rejections.add("grpc frame: " + a.getError().getKind() + ": " + shorten(a.getError().getMessage()));
                });
                if (!how.equals("completed")) rejections.add("grpc stream: " + shorten(how));
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private DataFrame garbageFrame() {
        DataFrame.Builder f = DataFrame.newBuilder().setSequence(random.nextInt(3) == 0 ? 0 : random.nextLong())
                .setSegmentId(random.nextInt(4) == 0 ? 0 : random.nextInt(1000)).setTMs(random.nextLong());
        switch (random.nextInt(3)) {
            case 0 -> f.setAudio(AudioData.newBuilder().setPcm(ByteString.copyFrom(randomBytes(random.nextInt(5000))))
                    .setSampleRate(random.nextInt(4) == 0 ? 0 : random.nextInt(400_000)).setChannels(random.nextInt(9)).setFormatValue(random.nextInt(5)));
            case 1 -> f.setText(dev.remotemedia.grpc.v1.Text.newBuilder().setText(new String(randomBytes(random.nextInt(300)), StandardCharsets.ISO_8859_1)));
            default -> { } // no payload at all
        }
        return f.build();
    }

    /** Bytes that are no protobuf at all, sent as Stream requests through a raw marshaller. */
    private void fuzzGrpcBytes(int n) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
            @Override public InputStream stream(byte[] value) { return new ByteArrayInputStream(value); }
            @Override public byte[] parse(InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        var method = MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                .setFullMethodName("remotemedia.v1.PipelineService/Stream").setRequestMarshaller(raw).setResponseMarshaller(raw).build();
        try {
            for (int i = 0; i < n; i++) {
                CompletableFuture<String> ended = new CompletableFuture<>();
                var requests = ClientCalls.asyncBidiStreamingCall(io.grpc.ClientInterceptors.intercept(channel, bearer())
                        .newCall(method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)), new StreamObserver<byte[]>() {
                    @Override public void onNext(byte[] value) { }
                    @Override public void onError(Throwable t) { ended.complete(io.grpc.Status.fromThrowable(t).toString()); }
                    @Override public void onCompleted() { ended.complete("completed"); }
                });
                for (int m = 0; m < 1 + random.nextInt(3); m++) requests.onNext(randomBytes(random.nextInt(3000)));
                requests.onCompleted();
                String how = ended.get(15, TimeUnit.SECONDS);
                assertTrue(!how.contains("DEADLINE_EXCEEDED"), "raw stream " + i + " hung: " + how);
                rejections.add("grpc bytes: " + shorten(how));
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    // ---- hostile manifests, inline over gRPC Execute ----

    private void fuzzManifests() throws Exception {
        List<String> hostile = new ArrayList<>();
        StringBuilder bomb = new StringBuilder("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            for (int j = 0; j < 9; j++) bomb.append(j == 0 ? "" : ",").append('*').append((char) (c - 1));
            bomb.append("]\n");
        }
        hostile.add(bomb.append("version: v1\nnodes: []\n").toString()); // "billion laughs"
        hostile.add("version: v1\nnodes: " + "[".repeat(5000) + "]".repeat(5000) + "\n");            // deep YAML
        hostile.add("{\"version\":\"v1\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + ",\"nodes\":[]}"); // deep JSON
        hostile.add("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\",\"node_type\":\"AudioResample\",\"params\":{\"target_rate\":"
                + "9".repeat(5000) + "}}]}");                                                        // huge integer
        hostile.add("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\",\"node_type\":\"AudioResample\",\"params\":{\"target_rate\":1e400}}]}");
        hostile.add("{\"version\":\"v1\",\"nodes\":[{\"id\":\"r\",\"node_type\":\"AudioResample\",\"params\":{\"target_rate\":99999999999999999999}}]}");
        hostile.add("version: v1\nnodes:\n  - id: " + "x".repeat(2_000_000) + "\n");              // huge string
        hostile.add("version: v1\nversion: v2\nnodes: []\n");                                        // duplicate keys
        hostile.add("!!java.lang.Runtime {}\n");                                                     // a type tag
        for (int i = 0; i < 20; i++) hostile.add(new String(randomBytes(random.nextInt(2000)), StandardCharsets.ISO_8859_1));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext()
                .maxInboundMessageSize(16 << 20).build();
        try {
            var stub = PipelineServiceGrpc.newBlockingStub(channel).withInterceptors(bearer());
            for (String m : hostile) {
                long t0 = System.nanoTime();
                try {
                    stub.withDeadlineAfter(10, TimeUnit.SECONDS).execute(dev.remotemedia.grpc.v1.ExecuteRequest.newBuilder()
                            .setManifest(ManifestRef.newBuilder().setInlineJson(m)).build());
                    throw new AssertionError("a hostile manifest ran: " + shorten(m));
                } catch (io.grpc.StatusRuntimeException e) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    var code = e.getStatus().getCode();
                    assertTrue(code == io.grpc.Status.Code.INVALID_ARGUMENT || code == io.grpc.Status.Code.RESOURCE_EXHAUSTED,
                            "rejected as the client's mistake, not " + e.getStatus() + " for " + shorten(m));
                    assertTrue(ms < 5000, "rejected quickly (" + ms + " ms) for " + shorten(m));
                    rejections.add("manifest: " + shorten(e.getStatus().getDescription()));
                }
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    // ---- helpers ----

    private void rejected(String what, HttpResponse<String> r, int... allowed) {
        boolean ok = false;
        for (int a : allowed) ok |= r.statusCode() == a;
        assertTrue(ok, what + " answered " + r.statusCode() + ": " + shorten(r.body()));
        assertTrue(!r.body().isBlank() && !r.body().contains("\tat ") && !r.body().contains("Exception:"),
                what + " " + r.statusCode() + " must name the problem without a stack trace: " + shorten(r.body()));
        rejections.add(what + " " + r.statusCode() + ": " + shorten(r.body()));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static StreamRequest open(String pipeline) {
        return StreamRequest.newBuilder().setOpen(OpenSession.newBuilder().setManifest(ManifestRef.newBuilder().setPipeline(pipeline))).build();
    }

    private static io.grpc.ClientInterceptor bearer() {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String flipBytes(String s, int count) {
        char[] c = s.toCharArray();
        for (int i = 0; i < count; i++) c[random.nextInt(c.length)] = (char) random.nextInt(256);
        return new String(c);
    }

    private String dropLines(String s) {
        List<String> lines = new ArrayList<>(List.of(s.split("\r\n")));
        for (int i = 0; i < 1 + random.nextInt(5) && lines.size() > 1; i++) lines.remove(random.nextInt(lines.size()));
        return String.join("\r\n", lines) + "\r\n";
    }

    private static long results(WhipClient c) {
        return c.events().stream().map(Events::fromLine).map(EventFrame::type).filter("result"::equals).count();
    }

    private static long heapUsed() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static String shorten(String s) {
        if (s == null) return "null";
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 140 ? one.substring(0, 140) + "…" : one;
    }
}
