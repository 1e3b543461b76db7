package dev.remotemedia.remote;

import dev.remotemedia.bench.LoopbackWorker;
import dev.remotemedia.bench.ProcessStats;
import dev.remotemedia.grpc.FrameCodec;
import dev.remotemedia.grpc.v1.DataFrame;
import dev.remotemedia.grpc.v1.ImageFormat;
import dev.remotemedia.grpc.v1.PipelineServiceGrpc;
import dev.remotemedia.grpc.v1.SegmentDone;
import dev.remotemedia.grpc.v1.StreamRequest;
import dev.remotemedia.grpc.v1.StreamResponse;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.pipeline.builtin.AudioStatsType;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * `remotemedia bench remote`: one speech segment at a time through RemotePipelineNode to a loopback
 * server running AudioStats, next to raw grpc-java doing the same work (encode, decode, AudioStats,
 * result back, decode) on the same Stream method with the same payload, in the same run.
 */
public final class RemoteBenchmark {
    private RemoteBenchmark() {}

    public static void run(PrintWriter out, int rounds, double segmentSeconds) throws Exception {
        float[] audio = new float[(int) (16000 * segmentSeconds)];
        for (int i = 0; i < audio.length; i++) audio[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / 16000.0));
        SpeechSegment segment = new SpeechSegment(1, 0, (long) (segmentSeconds * 1000), new AudioFrame(audio, 16000, 1, 0));
        out.printf("payload: %.1f s of 16 kHz PCM16 (%d bytes) per segment, %d rounds each, cores %d%n",
                segmentSeconds, audio.length * 2, rounds, ProcessStats.cores());

        try (LoopbackWorker worker = new LoopbackWorker(64); PipelineEngine localEngine = PipelineEngine.standalone()) {
            Server echoServer = LoopbackWorker.serve(echo(true)), pingServer = LoopbackWorker.serve(echo(false));
            try {
                long[] raw = null, ping = null, node = null;
                for (int round = 0; round < 3; round++) { // alternate, keep each side's best median
                    long[] r = raw(echoServer.getPort(), segment, rounds);
                    long[] p = raw(pingServer.getPort(), segment, rounds);
                    long[] n = node(localEngine, worker.port(), segment, rounds);
                    if (raw == null || median(r) < median(raw)) raw = r;
                    if (ping == null || median(p) < median(ping)) ping = p;
                    if (node == null || median(n) < median(node)) node = n;
                }
                report(out, "raw grpc-java, same work", raw);
                report(out, "raw grpc-java, no work", ping);
                report(out, "RemotePipelineNode", node);
                out.printf("node / raw (same work): p50 %.2f×, p99 %.2f×   [targets: ≤ 2×, ≤ 3×]%n",
                        pct(node, 50) / (double) pct(raw, 50), pct(node, 99) / (double) pct(raw, 99));
                out.printf("node / raw (no work):   p50 %.2f×, p99 %.2f×   [for reference: the server does nothing]%n",
                        pct(node, 50) / (double) pct(ping, 50), pct(node, 99) / (double) pct(ping, 99));
            } finally {
                echoServer.shutdownNow();
                pingServer.shutdownNow();
            }
        }
    }

    /**
     * The baselines on the same Stream method. With {@code work}: what the pipeline's worker does
     * minus our framework — decode the segment, compute its AudioStats, answer with that result and
     * a SegmentDone — right on grpc's thread: no pipeline, no thread hand-off, no fault tolerance.
     * Without: a bare SegmentDone (a ping-pong carrying the same request payload).
     */
    private static ServerServiceDefinition echo(boolean work) {
        return ServerServiceDefinition.builder(PipelineServiceGrpc.getServiceDescriptor())
                .addMethod(PipelineServiceGrpc.getStreamMethod(), ServerCalls.asyncBidiStreamingCall(
                        (StreamObserver<StreamResponse> responses) -> new StreamObserver<StreamRequest>() {
                            @Override public void onNext(StreamRequest r) {
                                if (r.hasFrame()) {
                                    DataFrame in = r.getFrame();
                                    if (work) responses.onNext(StreamResponse.newBuilder().setResult(FrameCodec.builder(AudioStatsType.stats("stats", FrameCodec.decode(in)),
                                            in.getSequence(), ImageFormat.RGB24).setSegmentId(in.getSegmentId())).build());
                                    responses.onNext(StreamResponse.newBuilder().setSegmentDone(SegmentDone.newBuilder()
                                            .setSegmentId(in.getSegmentId()).setRequestSequence(in.getSequence())).build());
                                }
                            }
                            @Override public void onError(Throwable t) { }
                            @Override public void onCompleted() { responses.onCompleted(); }
                        }))
                .addMethod(PipelineServiceGrpc.getDescribeMethod(), ServerCalls.asyncUnaryCall((req, o) -> o.onCompleted()))
                .addMethod(PipelineServiceGrpc.getExecuteMethod(), ServerCalls.asyncUnaryCall((req, o) -> o.onCompleted()))
                .addMethod(PipelineServiceGrpc.getReadyMethod(), ServerCalls.asyncUnaryCall((req, o) -> o.onCompleted()))
                .build();
    }

    private static long[] raw(int port, SpeechSegment segment, int rounds) throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
        BlockingQueue<StreamResponse> answers = new ArrayBlockingQueue<>(16);
        var requests = PipelineServiceGrpc.newStub(channel).stream(new StreamObserver<>() {
            @Override public void onNext(StreamResponse r) { answers.add(r); }
            @Override public void onError(Throwable t) { }
            @Override public void onCompleted() { }
        });
        long[] times = new long[rounds];
        for (int i = -rounds / 5; i < rounds; i++) { // the first fifth warms up
            long t0 = System.nanoTime();
            // encode inside the timed part: the node pays for it too
            requests.onNext(StreamRequest.newBuilder().setFrame(FrameCodec.builder(segment, i + 1000, ImageFormat.RGB24).setSegmentId(1)).build());
            // as the node does: decode the result, wait for the end-of-segment marker
            for (StreamResponse a = answers.poll(10, TimeUnit.SECONDS); ; a = answers.poll(10, TimeUnit.SECONDS)) {
                if (a == null) throw new IllegalStateException("echo server did not answer");
                if (a.hasResult()) FrameCodec.decode(a.getResult());
                if (a.hasSegmentDone()) break;
            }
            if (i >= 0) times[i] = System.nanoTime() - t0;
        }
        requests.onCompleted();
        channel.shutdownNow();
        return times;
    }

    private static long[] node(PipelineEngine engine, int port, SpeechSegment segment, int rounds) throws Exception {
        var manifest = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":{"
                + "\"endpoint\":\"127.0.0.1:" + port + "\",\"manifest\":{\"version\":\"v1\",\"nodes\":[{\"id\":\"stats\",\"node_type\":\"AudioStats\"}]},"
                + "\"health_check\":{\"interval_ms\":0}}}]}", "bench");
        UnicastProcessor<Frame> input = UnicastProcessor.create();
        BlockingQueue<Frame> results = new ArrayBlockingQueue<>(64);
        engine.open(manifest, "bench").run(input).subscribe().with(f -> {
            if (f instanceof EventFrame e && (e.type().equals("result") || e.type().equals("error"))) results.add(f);
        });
        long[] times = new long[rounds];
        for (int i = -rounds / 5; i < rounds; i++) {
            SpeechSegment s = new SpeechSegment(i + rounds + 1, segment.startMs(), segment.endMs(), segment.audio());
            long t0 = System.nanoTime();
            input.onNext(s);
            Frame r = results.poll(10, TimeUnit.SECONDS);
            if (r == null || ((EventFrame) r).type().equals("error")) throw new IllegalStateException("no result: " + r);
            if (i >= 0) times[i] = System.nanoTime() - t0;
        }
        input.onComplete();
        return times;
    }

    private static void report(PrintWriter out, String label, long[] t) {
        out.printf("%-26s p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  max %7.3f ms%n", label,
                pct(t, 50) / 1e6, pct(t, 90) / 1e6, pct(t, 99) / 1e6, pct(t, 100) / 1e6);
    }

    private static long pct(long[] t, double p) {
        long[] s = t.clone();
        Arrays.sort(s);
        return ProcessStats.percentile(s, p);
    }

    private static long median(long[] t) {
        return pct(t, 50);
    }
}
