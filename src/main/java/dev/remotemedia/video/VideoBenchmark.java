package dev.remotemedia.video;

import dev.remotemedia.bench.LoopbackWorker;
import dev.remotemedia.bench.ProcessStats;
import dev.remotemedia.onnx.ColourModel;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.pipeline.PipelineEngine;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * `remotemedia bench video`: camera frames through a generated colour model. Throughput (frames
 * per second per core, one frame in flight per session as the video sink does) with the model in
 * this process — the baseline — next to the same model behind a loopback gRPC worker, with frames
 * as JPEG and as raw RGB; then end-to-end frame latency at {@code fps} × N sessions through the worker.
 */
public final class VideoBenchmark {
    private VideoBenchmark() {}

    public static void run(PrintWriter out, int[] sessions, int seconds, double fps, int width, int height) throws Exception {
        Path model = ColourModel.write(Files.createTempDirectory("bench-video").resolve("colour.onnx"));
        ImageFrame frame = noisy(width, height);
        int jpegBytes = dev.remotemedia.grpc.ImageCodec.encode(frame, dev.remotemedia.grpc.v1.ImageFormat.JPEG).getData().size();
        out.printf("frames: %dx%d, %d bytes raw RGB, %d bytes as JPEG; colour model at 64x48; cores %d%n",
                width, height, frame.rgb().length, jpegBytes, ProcessStats.cores());
        try (LoopbackWorker worker = new LoopbackWorker(256); PipelineEngine localEngine = PipelineEngine.standalone()) {
            String inProcess = ColourModel.manifest(model), jpeg = remote(worker.port(), model, "jpeg"), rgb = remote(worker.port(), model, "rgb");
            int k = Math.max(1, ProcessStats.cores());
            PrintWriter quiet = new PrintWriter(java.io.Writer.nullWriter());
            for (String m : List.of(inProcess, jpeg, rgb)) throughput(quiet, "warm-up", localEngine, m, frame, k, Math.min(3, seconds)); // JIT first: JPEG is 10× slower cold
            out.printf("%nthroughput, %d sessions back to back for %d s each (after a warm-up of each):%n", k, seconds);
            throughput(out, "model in this process", localEngine, inProcess, frame, k, seconds);
            throughput(out, "remote worker, JPEG", localEngine, jpeg, frame, k, seconds);
            throughput(out, "remote worker, raw RGB", localEngine, rgb, frame, k, seconds);
            out.printf("%nlatency at %.1f fps per session, remote worker (JPEG), %d s each:%n", fps, seconds);
            for (int n : sessions) latency(out, localEngine, jpeg, frame, n, fps, seconds);
        }
    }

    private static String remote(int port, Path model, String format) {
        return "{\"version\":\"v1\",\"nodes\":[{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":{\"endpoint\":\"127.0.0.1:" + port + "\","
                + "\"image_format\":\"" + format + "\",\"health_check\":{\"interval_ms\":0},\"manifest\":" + ColourModel.manifest(model) + "}}]}";
    }

    /** One session: frames in, and a callback per frame answered (its inference event). */
    private static final class Session {
        final UnicastProcessor<Frame> input = UnicastProcessor.create();
        final long[] sentNanos = new long[1 << 16];
        final List<Long> latencies = new ArrayList<>();
        volatile boolean busy;
        int next;

        Session(PipelineEngine engine, String manifest, String id, Runnable onAnswer) {
            engine.open(engine.parse(manifest, "bench"), id).run(input).subscribe().with(f -> {
                if (f instanceof EventFrame e && e.type().equals("inference")) {
                    synchronized (this) {
                        latencies.add(System.nanoTime() - sentNanos[e.frame() & 0xffff]);
                    }
                    busy = false;
                    onAnswer.run();
                } else if (f instanceof EventFrame e && e.type().equals("error")) {
                    throw new IllegalStateException("frame failed: " + Events.toLine(e));
                }
            });
        }

        /** Sends the next frame unless one is still in flight (the video sink's rule); false if skipped. */
        synchronized boolean send(ImageFrame f) {
            if (busy) return false;
            busy = true;
            int id = ++next;
            sentNanos[id & 0xffff] = System.nanoTime();
            input.onNext(new ImageFrame(id, f.width(), f.height(), f.rgb(), id));
            return true;
        }
    }

    private static void throughput(PrintWriter out, String label, PipelineEngine engine, String manifest, ImageFrame frame, int n, int seconds) throws Exception {
        AtomicLong answered = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Session> all = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            Session[] self = new Session[1];
            self[0] = new Session(engine, manifest, "tp-" + i, () -> {
                answered.incrementAndGet();
                if (System.nanoTime() < deadline) self[0].send(frame); // next frame as soon as this one is answered
                else done.countDown();
            });
            all.add(self[0]);
        }
        all.forEach(s -> s.send(frame)); // warm-up pass is included; the model is tiny
        long cpu0 = ProcessStats.cpuNanos(), t0 = System.nanoTime();
        answered.set(0);
        done.await(seconds + 30L, TimeUnit.SECONDS);
        double wall = (System.nanoTime() - t0) / 1e9, cpu = (ProcessStats.cpuNanos() - cpu0) / 1e9;
        all.forEach(s -> s.input.onComplete());
        long[] lat = all.stream().flatMap(s -> s.latencies.stream()).mapToLong(Long::longValue).sorted().toArray();
        out.printf("  %-24s %7.0f frames/s  %6.0f frames per CPU-second  p50 %6.2f ms  p99 %6.2f ms%n", label, answered.get() / wall,
                answered.get() / Math.max(cpu, 1e-9), ProcessStats.percentile(lat, 50) / 1e6, ProcessStats.percentile(lat, 99) / 1e6);
    }

    private static void latency(PrintWriter out, PipelineEngine engine, String manifest, ImageFrame frame, int n, double fps, int seconds) throws Exception {
        List<Session> all = new ArrayList<>();
        for (int i = 0; i < n; i++) all.add(new Session(engine, manifest, "lat-" + n + "-" + i, () -> { }));
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(1, r -> new Thread(r, "bench-video-clock"));
        AtomicLong skipped = new AtomicLong(), sent = new AtomicLong();
        long period = (long) (1e9 / fps);
        for (int i = 0; i < n; i++) { // sessions spread over the period, as real cameras are
            Session s = all.get(i);
            clock.scheduleAtFixedRate(() -> (s.send(frame) ? sent : skipped).incrementAndGet(), period * i / n, period, TimeUnit.NANOSECONDS);
        }
        long cpu0 = ProcessStats.cpuNanos(), t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        clock.shutdownNow();
        double wall = (System.nanoTime() - t0) / 1e9, cpu = (ProcessStats.cpuNanos() - cpu0) / 1e9;
        Thread.sleep(500);
        all.forEach(s -> s.input.onComplete());
        long[] lat = all.stream().flatMap(s -> { synchronized (s) { return new ArrayList<>(s.latencies).stream(); } }).mapToLong(Long::longValue).sorted().toArray();
        out.printf("  %4d sessions: %6d frames  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  skipped (still busy) %d  CPU %5.1f %% of one core%n",
                n, lat.length, ProcessStats.percentile(lat, 50) / 1e6, ProcessStats.percentile(lat, 99) / 1e6,
                lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6, skipped.get(), 100 * cpu / wall);
    }

    /** A gradient with noise: compresses like a camera frame, unlike a solid colour. */
    private static ImageFrame noisy(int w, int h) {
        Random random = new Random(42);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int o = (y * w + x) * 3;
            rgb[o] = (byte) (x * 255 / w + random.nextInt(16));
            rgb[o + 1] = (byte) (y * 255 / h + random.nextInt(16));
            rgb[o + 2] = (byte) (128 + random.nextInt(16));
        }
        return new ImageFrame(1, w, h, rgb, 0);
    }
}
