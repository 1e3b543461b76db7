package dev.remotemedia.cli;

import dev.remotemedia.ServeApplication;
import dev.remotemedia.inference.ModelStore;
import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `demo vad|stt|s2s|camera`: the whole product on this machine — the local role serving itself as the
 * remote, the pipeline the demo needs — and the page opened in the browser. Missing models stop it
 * before start-up with the pull command.
 */
@Command(name = "demo", description = "Run a demo on this machine and open the page: vad (levels), stt (transcripts), s2s (spoken replies), camera (frames named by a model).")
final class DemoCommand implements Callable<Integer> {
    /** What each demo runs remotely and which catalogue models it needs. */
    record Demo(String pipeline, List<String> models, String what) {}

    static final Map<String, Demo> DEMOS = Map.of(
            "vad", new Demo("stats-segments", List.of(), "speech detection here, each utterance's level statistics from the remote"),
            "stt", new Demo("whisper-stt", List.of("whisper-tiny.en"), "speech to text: each utterance transcribed by Whisper"),
            "s2s", new Demo("whisper-stt-kokoro-tts", List.of("whisper-tiny.en", "kokoro-v1.0"),
                    "speech to speech: Whisper's transcript spoken back by Kokoro"),
            "camera", new Demo(null, List.of(), "tick Camera, then Start: 2 frames a second go to the remote, where a generated model names their colour"));

    @Parameters(index = "0", defaultValue = "vad", description = "vad, stt, s2s or camera (default: ${DEFAULT-VALUE}).") String name;
    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}); gRPC uses the next one.") int port;
    @Option(names = "--no-open", description = "Do not open the browser.") boolean noOpen;
    @Option(names = "--dry-run", description = "Print what would run instead of starting.") boolean dryRun;
    @Mixin DebugOption debug;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Demo demo = DEMOS.get(name);
        if (demo == null) throw new IllegalArgumentException("no demo \"" + name + "\": choose vad, stt, s2s or camera");
        PrintWriter out = spec.commandLine().getOut();
        ModelStore store = ModelStore.fromEnvironment();
        List<String> missing = new ArrayList<>();
        for (String model : demo.models()) if (!store.cached(model)) missing.add(model);
        if (!missing.isEmpty()) {
            spec.commandLine().getErr().println("demo " + name + " needs " + String.join(" and ", missing) + ", not in " + store.cacheDir()
                    + ". Fetch " + (missing.size() > 1 ? "them" : "it") + " first (progress is shown):\n  bin/remotemedia models pull " + String.join(" ", missing));
            return 1;
        }
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("quarkus.http.port", Integer.toString(port));
        props.put("quarkus.grpc.server.port", Integer.toString(port + 1));
        props.put("remotemedia.grpc.serve", "true");                    // this process is its own remote
        props.put("REMOTEMEDIA_REMOTE", "localhost:" + (port + 1));
        if (demo.pipeline() != null) {
            props.put("REMOTEMEDIA_DEV_PIPELINE", demo.pipeline());
            props.put("remotemedia.grpc.warmup-pipelines", demo.pipeline()); // models load before the page says ready
        } else {
            props.put("remotemedia.webrtc.manifest", cameraManifest(store, port + 1).toString());
        }
        props.put("quarkus.log.console.json.enabled", "false");          // a person reads these logs
        String url = "http://localhost:" + port + "/";
        out.printf("demo %s: %s%n  pipeline: %s%n  page: %s%n", name, demo.what(), demo.pipeline() != null
                ? "dev-local (VAD here) → " + demo.pipeline() + " on this same process"
                : "VideoSample (2 fps) here → a colour model on this same process, over gRPC", url);
        if (dryRun) {
            props.forEach((k, v) -> out.printf("  would set %s=%s%n", k, v));
            return 0;
        }
        out.flush();
        props.forEach(System::setProperty);
        if (!noOpen) openWhenUp(url, port);
        Quarkus.run(ServeApplication.class);
        return RemoteMediaCommand.SERVED;
    }

    /** The camera demo's local manifest, next to a generated colour model in the model cache (nothing to download). */
    private static java.nio.file.Path cameraManifest(ModelStore store, int grpcPort) throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(store.cacheDir().resolve("generated"));
        java.nio.file.Path model = dev.remotemedia.onnx.ColourModel.write(dir.resolve("mean-colour.onnx"));
        return java.nio.file.Files.writeString(dir.resolve("camera-demo.json"), "{\"version\":\"v1\",\"nodes\":["
                + "{\"id\":\"camera\",\"node_type\":\"VideoSample\",\"params\":{\"fps\":2,\"max_width\":320,\"max_height\":240}},"
                + "{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":{\"endpoint\":\"localhost:" + grpcPort + "\","
                + "\"manifest\":" + dev.remotemedia.onnx.ColourModel.manifest(model) + "}}]}");
    }

    /** Opens the page once the HTTP port answers (xdg-open on Linux, open on macOS, start on Windows). */
    private static void openWhenUp(String url, int port) {
        Thread t = new Thread(() -> {
            for (int i = 0; i < 600; i++) {
                try (Socket s = new Socket("localhost", port)) {
                    String os = System.getProperty("os.name").toLowerCase();
                    List<String> cmd = os.contains("mac") ? List.of("open", url) : os.contains("win") ? List.of("cmd", "/c", "start", url) : List.of("xdg-open", url);
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    return;
                } catch (Exception notYet) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "remotemedia-demo-open");
        t.setDaemon(true);
        t.start();
    }
}
