package dev.remotemedia.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.remotemedia.audio.Resampler;
import dev.remotemedia.audio.Wav;
import dev.remotemedia.bench.ProcessStats;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.webrtc.PeerFactory;
import dev.remotemedia.webrtc.WhipClient;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live load generator: N sessions at real-time pace from a speech WAV, through WebRTC (WHIP
 * clients against a local instance) or straight into the pipeline engine (the local role in this
 * process), sending segments to K remote instances started here on loopback — with faults injected
 * on schedule. Counts every segment the VAD cut and what came back: lost (neither result nor typed
 * error) and duplicated (more than one result) must both be 0.
 */
public final class LoadTest {
    /** Options, as given on the command line. */
    public record Options(String via, int sessions, int remotes, Duration duration, List<String> endpoints, Path wav,
                          Duration killAfter, Duration restartAfter, boolean killAll, long delayRemoteMs, boolean blackhole,
                          Path report, long timeoutMs, int cycles, boolean workersDns, double tolerancePercent,
                          List<String> localProperties) {
        /** The same run with another session count and extra -D properties for the local instance. */
        Options with(int sessions, List<String> localProperties) {
            return new Options(via, sessions, remotes, duration, endpoints, wav, killAfter, restartAfter, killAll, delayRemoteMs, blackhole,
                    null, timeoutMs, cycles, workersDns, tolerancePercent, localProperties);
        }
    }

    /** What a WebRTC run measured, for the sweep: the local instance's steady CPU without the JIT, what it shed, the verdict. */
    public record Result(int sessions, double localCpu, double jitCpu, double generatorCpu, long framesShed, long framesSent, boolean passed) {
        double shedPercent() { return framesSent <= 0 ? 0 : 100.0 * Math.max(0, framesShed) / framesSent; }
    }

    /** The name the workers share in --workers-dns mode (resolved through the hosts file run.sh passes to the JDK). */
    static final String WORKERS_NAME = "remotemedia-workers.load.test";

    private final Options o;
    private final PrintWriter out;
    private final Tally tally = new Tally();
    private final List<ChildServer> remotes = new ArrayList<>();
    private ChildServer local;
    private Path work;
    private long localTicks0;
    private long framesSent = -1;
    private long framesReceived = -1;

    /** The local instance's VAD, the same in the load and in the offline count of what the audio holds. */
    private static final String VAD_NODE = "{\"id\":\"vad\",\"node_type\":\"SileroVAD\",\"params\":{\"min_silence_duration_ms\":300}}";
    private long framesShed = -1;
    private long vadScored = -1;
    private long vadSkipped = -1;
    /** Local instance's steady-state CPU by thread group, % of one core (WebRTC runs). */
    private final Map<String, Double> steadyCpu = new java.util.TreeMap<>();
    private int expectedPerSession = -1;
    private Result result;

    /** The last run's figures (WebRTC runs), or null. */
    public Result result() { return result; }

    /** The input every engine session gets (and the offline count runs on): the WAV at 16 kHz in 20 ms frames, looped for the duration. */
    private List<AudioFrame> loopedFrames(Wav.Audio wav) {
        List<AudioFrame> frames = AudioFrame.split(Resampler.resample(wav.mono(), wav.sampleRate(), 16000), 16000, 1, 20);
        int total = (int) (o.duration().toMillis() / 20);
        List<AudioFrame> looped = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            AudioFrame f = frames.get(i % frames.size());
            looped.add(new AudioFrame(f.samples(), f.sampleRate(), 1, i * 20L));
        }
        return looped;
    }

    private static final java.net.http.HttpClient METRICS_HTTP = java.net.http.HttpClient.newHttpClient(); // one for every read, not one per read

    /** Sum of a counter over its series with transport="webrtc", from the local instance's Prometheus endpoint; -1 if unreadable. */
    private static long webrtcCounter(int httpPort, String name) {
        return Math.round(metricSum(httpPort, name, "transport=\"webrtc\""));
    }

    /** The sum of a metric's series whose labels contain {@code label} ("" = any series, untagged too), from the child's /q/metrics; -1 if unreadable. */
    private static double metricSum(int httpPort, String name, String label) {
        try {
            var r = METRICS_HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            double sum = 0;
            for (String line : r.body().split("\n")) {
                if (line.startsWith(name + "{") && line.contains(label) || label.isEmpty() && line.startsWith(name + " ")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Segments one session should cut: the same VAD over the same looped input, run here offline
     * (deterministic; Silero runs ~250× real time). The load is then judged against what the audio held.
     */
    private int expectedSegments(Wav.Audio wav) {
        List<Frame> looped = new ArrayList<>(loopedFrames(wav));
        String vadOnly = "{\"version\":\"v1\",\"nodes\":[" + VAD_NODE + "]}";
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            return (int) engine.open(engine.parse(vadOnly, "expected"), "expected")
                    .run(io.smallrye.mutiny.Multi.createFrom().iterable(looped)).collect().asList().await().atMost(Duration.ofMinutes(5))
                    .stream().filter(f -> f instanceof EventFrame e && e.type().equals("segment")).count();
        }
    }

    public LoadTest(Options options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    public int run() throws Exception {
        work = Files.createTempDirectory("remotemedia-load");
        Wav.Audio wav = Wav.read(o.wav());
        List<String> endpoints = new ArrayList<>(o.endpoints());
        if (endpoints.isEmpty()) startRemotes(endpoints);
        String localManifest = localManifest(endpoints);
        if (o.cycles() == 0) expectedPerSession = expectedSegments(wav);
        out.printf("load test: via %s, %d sessions, %d remotes (%s), %s; work dir %s%n", o.via(), o.sessions(), endpoints.size(),
                String.join(", ", endpoints), o.duration(), work);
        ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
        scheduleFaults(faults);
        long cpu0 = ProcessStats.cpuNanos();
        Map<String, Long> childTicks0 = childTicks();
        long t0 = System.nanoTime();
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
        progress.scheduleAtFixedRate(() -> out.printf("  %5.0f s  segments %d  results %d  errors %s%n",
                (System.nanoTime() - t0) / 1e9, tally.segmentsSent(), tally.results(), tally.errors()), 5, 5, TimeUnit.SECONDS);
        try {
            if (o.cycles() > 0) return cycles(localManifest);
            if (o.via().equals("webrtc")) viaWebRtc(wav, localManifest);
            else viaEngine(wav, localManifest);
        } finally {
            progress.shutdownNow();
            faults.shutdownNow();
        }
        double wallS = (System.nanoTime() - t0) / 1e9;
        ObjectNode report = report(wallS, cpu0, childTicks0);
        remotes.forEach(ChildServer::stop);
        if (local != null) local.stop();
        String json = Events.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        if (o.report() != null) Files.writeString(o.report(), json + "\n");
        printSummary(report);
        List<String> failures = verdict();
        double jit = steadyCpu.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre")).mapToDouble(Map.Entry::getValue).sum();
        double all = steadyCpu.values().stream().mapToDouble(Double::doubleValue).sum();
        result = new Result(o.sessions(), round(all - jit), round(jit), report.at("/cpu_percent/generator").asDouble(), framesShed, framesSent,
                failures.isEmpty());
        out.println(failures.isEmpty() ? "PASS: nothing lost, duplicated or shed (tolerance " + o.tolerancePercent() + " %)"
                : "FAIL: " + String.join("; ", failures));
        return failures.isEmpty() ? 0 : 1;
    }

    private List<String> verdict() {
        return new Verdict(tally.segmentsSent(), tally.lost(), tally.duplicated(),
                expectedPerSession < 0 ? -1 : (long) expectedPerSession * o.sessions(), framesSent, framesShed, o.tolerancePercent()).failures();
    }

    private void startRemotes(List<String> endpoints) throws Exception {
        int sharedPort = ProcessStats.freePort(), sharedHttp = ProcessStats.freePort();
        List<String> ips = new ArrayList<>();
        for (int i = 0; i < o.remotes(); i++) {
            long delay = i == 0 ? (o.blackhole() ? -1 : o.delayRemoteMs()) : 0;
            Path dir = Files.createDirectories(work.resolve("remote-" + i + "-pipelines"));
            Files.writeString(dir.resolve("load.json"), "{\"version\":\"v1\",\"nodes\":[{\"id\":\"delay\",\"node_type\":\"Delay\",\"params\":{\"ms\":"
                    + delay + "}},{\"id\":\"stats\",\"node_type\":\"AudioStats\"}]}");
            List<String> props = List.of("-Dquarkus.profile=prod,gpu", "-Dquarkus.log.console.json.enabled=false",
                    "-Dremotemedia.pipeline.manifests-dir=" + dir, "-Dremotemedia.grpc.max-streams=1000");
            // --workers-dns: a fleet — one loopback address per worker, one port, one name for all
            ChildServer s = o.workersDns() ? new ChildServer("remote-" + i, work, "127.0.0." + (2 + i), sharedHttp, sharedPort, props)
                    : new ChildServer("remote-" + i, work, props);
            s.start();
            remotes.add(s);
            ips.add(s.host);
            if (!o.workersDns()) endpoints.add(s.grpcAddress());
        }
        for (ChildServer s : remotes) s.awaitUp(60_000);
        if (o.workersDns()) {
            String hosts = System.getProperty("jdk.net.hosts.file");
            if (hosts == null) throw new IllegalStateException("--workers-dns needs -Djdk.net.hosts.file=FILE (load-tests/run.sh passes it)");
            ChildServer.writeHosts(Path.of(hosts), WORKERS_NAME, ips);
            endpoints.add("dns:///" + WORKERS_NAME + ":" + sharedPort);
        }
    }

    private String localManifest(List<String> endpoints) {
        String list = String.join(",", endpoints.stream().map(e -> "\"" + e + "\"").toList());
        return "{\"version\":\"v1\",\"nodes\":[" + VAD_NODE + ","
                + "{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":{\"endpoints\":[" + list + "],"
                + "\"pipeline\":\"load\",\"timeout_ms\":" + o.timeoutMs() + ",\"load_balance_strategy\":\"least_connections\","
                + "\"retry\":{\"max_retries\":3,\"backoff_ms\":200},"
                + "\"circuit_breaker\":{\"failure_threshold\":3,\"success_threshold\":1,\"reset_timeout_ms\":5000},"
                + "\"health_check\":{\"interval_ms\":1000,\"timeout_ms\":500},\"discovery\":{\"refresh_ms\":2000}}}]}";
    }

    private void scheduleFaults(ScheduledExecutorService faults) {
        List<ChildServer> targets = remotes.isEmpty() ? List.of() : o.killAll() ? remotes : List.of(remotes.get(0));
        if (o.killAfter() != null) {
            faults.schedule(() -> targets.forEach(r -> {
                out.printf("  fault: SIGKILL %s (pid %d)%n", r.name, r.pid());
                r.kill();
            }), o.killAfter().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (o.restartAfter() != null) {
            faults.schedule(() -> targets.forEach(r -> {
                try {
                    out.printf("  fault: restart %s%n", r.name);
                    r.start();
                } catch (Exception e) {
                    out.println("  restart failed: " + e.getMessage());
                }
            }), o.restartAfter().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The local role in this process: N engine sessions fed 20 ms frames by one clock. */
    private void viaEngine(Wav.Audio wav, String manifestJson) throws Exception {
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            var manifest = engine.parse(manifestJson, "load");
            List<AudioFrame> frames = loopedFrames(wav);
            int total = frames.size();
            List<UnicastProcessor<Frame>> inputs = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(o.sessions());
            for (int s = 0; s < o.sessions(); s++) {
                String id = "s" + s;
                UnicastProcessor<Frame> in = UnicastProcessor.create();
                inputs.add(in);
                engine.open(manifest, id).run(in).subscribe().with(
                        f -> { if (f instanceof EventFrame e) tally.event(id, e); }, e -> done.countDown(), done::countDown);
            }
            ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger tick = new AtomicInteger();
            clock.scheduleAtFixedRate(() -> {
                int i = tick.getAndIncrement();
                for (UnicastProcessor<Frame> in : inputs) {
                    if (i < total) {
                        in.onNext(frames.get(i));
                    } else if (i == total) {
                        in.onComplete();
                    }
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            done.await(o.duration().toMillis() + 4 * o.timeoutMs() + 30_000, TimeUnit.MILLISECONDS);
            clock.shutdownNow();
        }
    }

    /** The local role as a child process; N WHIP clients stream the WAV in real time. */
    private void viaWebRtc(Wav.Audio wav, String manifestJson) throws Exception {
        Path manifest = Files.writeString(work.resolve("local.json"), manifestJson);
        List<String> props = new ArrayList<>(List.of("-Dremotemedia.webrtc.manifest=" + manifest,
                "-Dremotemedia.webrtc.public-address=127.0.0.1", "-Dremotemedia.webrtc.any-address-ports=true",
                "-Dremotemedia.webrtc.max-sessions=" + (o.sessions() + 10),
                "-Dremotemedia.webrtc.max-sessions-per-address=0")); // every generated client comes from 127.0.0.1
        props.addAll(o.localProperties());
        if (System.getProperty("jdk.net.hosts.file") != null) {
            props.addAll(List.of("-Djdk.net.hosts.file=" + System.getProperty("jdk.net.hosts.file"), "-Dsun.net.inetaddr.ttl=0"));
        }
        local = new ChildServer("local", work, props);
        local.start();
        local.awaitUp(60_000);
        localTicks0 = ProcessStats.cpuTicks(local.pid());
        float[] audio48 = Resampler.resample(wav.mono(), wav.sampleRate(), 48000);
        int total = (int) (o.duration().toMillis() * 48);
        float[] looped = new float[total];
        for (int i = 0; i < total; i++) looped[i] = audio48[i % audio48.length];
        PeerFactory peers = new PeerFactory();
        PeerConnectionFactory factory = peers.get();
        List<WhipClient> clients = new ArrayList<>();
        List<Thread> streams = new ArrayList<>();
        try {
            for (int s = 0; s < o.sessions(); s++) {
                String id = "w" + s;
                WhipClient c = new WhipClient(factory, false);
                c.onEvent(line -> tally.event(id, Events.fromLine(line)));
                int status = c.connect("http://127.0.0.1:" + local.httpPort + "/whip", null, "127.0.0.1", Duration.ofSeconds(20));
                if (status != 201) throw new IllegalStateException("WHIP answered " + status + " for session " + id);
                clients.add(c);
                Thread t = new Thread(() -> {
                    try {
                        c.stream(looped);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "load-" + id);
                t.start();
                streams.add(t);
            }
            // the local instance's CPU by thread group while every session streams (from 1/8 to 1/2 of the
            // duration after the last one connected, before the first ones end): the figure per-session
            // cost is computed from (run N and M sessions, subtract)
            Thread.sleep(o.duration().toMillis() / 8);
            var before = ProcessStats.threadTicks(local.pid());
            long t0 = System.nanoTime();
            Thread.sleep(o.duration().toMillis() * 3 / 8);
            var after = ProcessStats.threadTicks(local.pid());
            double seconds = (System.nanoTime() - t0) / 1e9;
            after.forEach((group, ticks) -> {
                long d = ticks - before.getOrDefault(group, 0L);
                if (d > 0) steadyCpu.put(group, round(d / seconds)); // 100 ticks per second = 100 % of one core
            });
            for (Thread t : streams) t.join();
            framesSent = (long) clients.size() * (looped.length / 480);
            long deadline = System.currentTimeMillis() + 4 * o.timeoutMs() + 10_000;
            Thread.sleep(2000); // trailing silence closes the last segments
            while (!tally.settled() && System.currentTimeMillis() < deadline) Thread.sleep(200);
            framesReceived = webrtcCounter(local.httpPort, "remotemedia_frames_in_total");
            framesShed = webrtcCounter(local.httpPort, "remotemedia_frames_dropped_total");
            vadScored = Math.round(metricSum(local.httpPort, "remotemedia_vad_windows_total", ""));
            vadSkipped = Math.round(metricSum(local.httpPort, "remotemedia_vad_windows_skipped_total", ""));
        } finally {
            for (WhipClient c : clients) {
                try {
                    c.delete();
                } catch (Exception ignored) {
                    // server may be gone
                }
                c.close();
            }
            peers.close();
        }
    }

    /**
     * Opens and closes WHIP sessions {@code cycles} times against a local child; reports its RSS
     * growth end to end and as a least-squares slope over the samples (one-off growth early on, such
     * as JIT-compiled code, weighs less there), and splits it with the JVM's own native memory
     * tracking: what the JVM grew by category, and what grew outside it (libwebrtc, ONNX Runtime).
     */
    private int cycles(String manifestJson) throws Exception {
        Path manifest = Files.writeString(work.resolve("local.json"), manifestJson);
        // a fixed heap, every page touched at start: RSS growth is then native memory, not the heap
        // touching more of what it had committed (which a shrinking heap did not rule out)
        local = new ChildServer("local", work, List.of("-Dremotemedia.webrtc.manifest=" + manifest,
                "-Dremotemedia.webrtc.public-address=127.0.0.1", "-Dremotemedia.webrtc.any-address-ports=true",
                "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:NativeMemoryTracking=summary"));
        local.start();
        local.awaitUp(60_000);
        PeerFactory peers = new PeerFactory();
        PeerConnectionFactory factory = peers.get();
        double base = 0;
        double heapBase = 0;
        int failures = 0;
        int warmup = Math.min(50, o.cycles() / 10);
        List<double[]> samples = new ArrayList<>(); // (cycle, RSS MB) after warm-up
        try {
            for (int i = 0; i < o.cycles() + warmup; i++) {
                if (i == warmup) {
                    base = rssAfterGc();
                    heapBase = metricSum(local.httpPort, "jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20);
                    jcmd("VM.native_memory", "baseline");
                    samples.add(new double[] {0, base});
                    out.printf("  after %d warm-up cycles: local RSS %.1f MB%n", warmup, base);
                }
                try (WhipClient c = new WhipClient(factory, false)) {
                    int status = c.connect("http://127.0.0.1:" + local.httpPort + "/whip", null, "127.0.0.1", Duration.ofSeconds(10));
                    if (status != 201) failures++;
                    c.delete();
                } catch (Exception e) {
                    failures++;
                }
                if ((i + 1) % 100 == 0) {
                    double rss = ProcessStats.rssMb(local.pid()); // the heap is fixed and pre-touched: no GC needed to compare
                    if (i >= warmup) samples.add(new double[] {i + 1 - warmup, rss});
                    out.printf("  %d cycles, local RSS %.1f MB%n", i + 1, rss);
                }
            }
            double end = rssAfterGc();
            samples.add(new double[] {o.cycles(), end});
            out.printf("open/close cycles: %d (+%d warm-up), failures %d, local RSS %.1f → %.1f MB (%+.1f MB, %+.1f KB per cycle)%n",
                    o.cycles(), warmup, failures, base, end, end - base, (end - base) * 1024 / o.cycles());
            out.printf("  RSS slope (least squares over %d samples): %+.1f KB per cycle%n", samples.size(), slope(samples) * 1024);
            double heapEnd = metricSum(local.httpPort, "jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20);
            out.printf("  Java heap used after GC: %.1f → %.1f MB (%+.1f KB per cycle; inside the fixed heap, so not in the RSS figures)%n",
                    heapBase, heapEnd, (heapEnd - heapBase) * 1024 / o.cycles());
            printNativeMemoryDiff((end - base) * 1024);
            return failures == 0 ? 0 : 1;
        } finally {
            peers.close();
            local.stop();
            remotes.forEach(ChildServer::stop);
        }
    }

    /** Least-squares slope of y over x. */
    static double slope(List<double[]> xy) {
        double n = xy.size(), sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (double[] p : xy) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        double d = n * sxx - sx * sx;
        return d == 0 ? 0 : (n * sxy - sx * sy) / d;
    }

    private static final java.util.regex.Pattern NMT_LINE = java.util.regex.Pattern.compile(
            "^-\\s+(.+?) \\(reserved=\\d+KB(?: [+-]\\d+KB)?, committed=\\d+KB(?: ([+-]\\d+)KB)?\\)");
    private static final java.util.regex.Pattern NMT_TOTAL = java.util.regex.Pattern.compile(
            "^Total: reserved=\\d+KB(?: [+-]\\d+KB)?, committed=\\d+KB(?: ([+-]\\d+)KB)?");

    /** The JVM's committed growth since the baseline, by category, and the RSS growth it does not account for. */
    private void printNativeMemoryDiff(double rssGrowthKb) {
        String diff = jcmd("VM.native_memory", "summary.diff");
        long jvmKb = 0;
        StringBuilder parts = new StringBuilder();
        for (String line : diff.split("\n")) {
            java.util.regex.Matcher t = NMT_TOTAL.matcher(line.trim());
            if (t.find()) {
                jvmKb = t.group(1) == null ? 0 : Long.parseLong(t.group(1));
                continue;
            }
            java.util.regex.Matcher m = NMT_LINE.matcher(line.trim());
            if (m.find() && m.group(2) != null && Math.abs(Long.parseLong(m.group(2))) >= 64) {
                parts.append(parts.isEmpty() ? "" : ", ").append(m.group(1)).append(' ').append(m.group(2)).append(" KB");
            }
        }
        if (diff.isBlank() || !diff.contains("Total")) {
            out.println("  (native memory tracking unavailable: no split of the growth)");
            return;
        }
        out.printf("  of which the JVM's own (native memory tracking, committed): %+d KB (%s); outside the JVM: %+.0f KB, %+.1f KB per cycle%n",
                jvmKb, parts.isEmpty() ? "no category over 64 KB" : parts, rssGrowthKb - jvmKb, (rssGrowthKb - jvmKb) / o.cycles());
    }

    /** Runs jcmd against the local child; its output, or "" when jcmd is unavailable. */
    private String jcmd(String... command) {
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(local.pid())));
            cmd.addAll(List.of(command));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return text;
        } catch (java.io.IOException | InterruptedException e) {
            return "";
        }
    }

    /** RSS of the local child after a full GC (jcmd), once sessions had time to be cleaned up. */
    private double rssAfterGc() throws InterruptedException {
        Thread.sleep(2000);
        if (jcmd("GC.run").isEmpty()) out.println("  (jcmd unavailable: RSS measured without a forced GC)");
        Thread.sleep(1000);
        return ProcessStats.rssMb(local.pid());
    }

    private Map<String, Long> childTicks() {
        Map<String, Long> m = new LinkedHashMap<>();
        remotes.forEach(r -> m.put(r.name, ProcessStats.cpuTicks(r.pid())));
        return m;
    }

    private ObjectNode report(double wallS, long cpu0, Map<String, Long> ticks0) {
        ObjectNode r = Events.JSON.createObjectNode();
        r.put("via", o.via()).put("sessions", o.sessions()).put("remotes", o.endpoints().isEmpty() ? o.remotes() : o.endpoints().size())
                .put("duration_s", Math.round(wallS)).put("segments_sent", tally.segmentsSent()).put("results", tally.results())
                .put("lost", tally.lost()).put("duplicated", tally.duplicated());
        Histogram h = tally.latency();
        ObjectNode lat = r.putObject("latency_ms");
        lat.put("p50", h.getValueAtPercentile(50)).put("p90", h.getValueAtPercentile(90))
                .put("p99", h.getValueAtPercentile(99)).put("max", h.getMaxValue()).put("count", h.getTotalCount());
        r.put("segments_expected", expectedPerSession < 0 ? -1 : (long) expectedPerSession * o.sessions());
        if (framesSent >= 0) {
            // dropped = what the server itself counted as shed (received > sent is normal: libwebrtc
            // delivers silence callbacks before media flows, so sent − received says nothing)
            r.put("frames_sent", framesSent).put("frames_received", framesReceived).put("dropped_frames", framesShed);
            r.put("vad_windows_scored", vadScored).put("vad_windows_skipped", vadSkipped); // skipped: under the silence floor
        }
        ObjectNode err = r.putObject("errors");
        tally.errors().forEach(err::put);
        ObjectNode workers = r.putObject("by_worker");
        tally.byWorker().forEach(workers::put);
        ObjectNode cpu = r.putObject("cpu_percent");
        ObjectNode rss = r.putObject("rss_mb");
        cpu.put("generator", round(100.0 * (ProcessStats.cpuNanos() - cpu0) / 1e9 / wallS));
        rss.put("generator", round(ProcessStats.rssMb()));
        if (local != null) rss.put("local", round(ProcessStats.rssMb(local.pid())));
        for (ChildServer s : remotes) {
            long t = ProcessStats.cpuTicks(s.pid());
            Long t0 = ticks0.get(s.name);
            if (t >= 0 && t0 != null && t0 >= 0 && t >= t0) cpu.put(s.name, round(100.0 * (t - t0) / 100.0 / wallS));
            rss.put(s.name, s.alive() ? round(ProcessStats.rssMb(s.pid())) : -1);
        }
        if (local != null) cpu.put("local", round(100.0 * (ProcessStats.cpuTicks(local.pid()) - localTicks0) / 100.0 / wallS));
        if (!steadyCpu.isEmpty()) {
            ObjectNode steady = r.putObject("local_cpu_steady");
            steady.put("total", round(steadyCpu.values().stream().mapToDouble(Double::doubleValue).sum()));
            steadyCpu.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> steady.put(e.getKey(), e.getValue()));
        }
        r.put("cores", ProcessStats.cores());
        return r;
    }

    private void printSummary(ObjectNode r) {
        out.println("+----------+----------+---------+------+------------+--------------------------------+");
        out.printf("segments cut %d of %d expected; frames shed by the local instance: %s%n", r.get("segments_sent").asInt(),
                r.get("segments_expected").asLong(), r.has("dropped_frames") ? r.get("dropped_frames").asText() : "n/a (in-process)");
        if (r.has("vad_windows_scored")) {
            out.printf("VAD windows on the local instance: %d scored, %d skipped under the silence floor%n",
                    r.get("vad_windows_scored").asLong(), r.get("vad_windows_skipped").asLong());
        }
        out.println("| sessions | segments | results | lost | duplicated | latency p50/p90/p99/max ms     |");
        out.printf("| %8d | %8d | %7d | %4d | %10d | %-30s |%n", r.get("sessions").asInt(), r.get("segments_sent").asInt(),
                r.get("results").asInt(), r.get("lost").asInt(), r.get("duplicated").asInt(),
                r.at("/latency_ms/p50").asLong() + "/" + r.at("/latency_ms/p90").asLong() + "/" + r.at("/latency_ms/p99").asLong()
                        + "/" + r.at("/latency_ms/max").asLong());
        out.println("+----------+----------+---------+------+------------+--------------------------------+");
        out.println("by worker: " + r.get("by_worker"));
        if (r.has("local_cpu_steady")) out.println("local CPU while all sessions stream, % of one core by thread group: " + r.get("local_cpu_steady"));
        out.println("errors: " + r.get("errors") + "  cpu %: " + r.get("cpu_percent") + "  rss MB: " + r.get("rss_mb"));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
