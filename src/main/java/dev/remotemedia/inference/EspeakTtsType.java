package dev.remotemedia.inference;

import dev.remotemedia.audio.Wav;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.TextFrame;
import dev.remotemedia.telemetry.Telemetry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * `EspeakTTS`: text → speech with espeak-ng run as a separate process (GPL, so never linked) — a
 * real offline TTS for demos and CI. Emits one audio frame per text frame (22,050 Hz mono).
 * Runs on the media worker pool like every node, never on an event loop.
 */
public final class EspeakTtsType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.string("voice").defaultValue("en").doc("espeak-ng voice (espeak-ng --voices lists them)"),
            ParamSpec.integer("speed_wpm").defaultValue(165).min(80).max(450).doc("words per minute"),
            ParamSpec.integer("timeout_ms").defaultValue(10000).min(100).max(120000).doc("longest synthesis per text frame"),
            ParamSpec.integer("max_chars").defaultValue(2000).min(1).max(100000).doc("longer texts are rejected with an error event"));

    @Override public String name() { return "EspeakTTS"; }
    @Override public String description() { return "Text to speech with espeak-ng (offline; a process)"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.TEXT); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.AUDIO); }

    @Override
    public void check(Params p, String where, List<String> errors) {
        if (!p.string("voice").matches("[A-Za-z0-9_+-]+")) errors.add(where + ".voice: letters, digits, _ + - only, got \"" + p.string("voice") + "\"");
    }

    @Override
    public Node create(NodeContext context, Params p) {
        String binary = find();
        String voice = p.string("voice");
        int speed = p.integer("speed_wpm");
        long timeout = p.longValue("timeout_ms");
        int maxChars = p.integer("max_chars");
        return new TextToSpeechNode(context, maxChars) {
            @Override
            protected void speak(TextFrame t, Consumer<Frame> out) {
                long t0 = System.nanoTime();
                Wav.Audio audio = synthesize(binary, voice, speed, timeout, t.text(), context.nodeId());
                Telemetry.modelInference("espeak-ng", Duration.ofNanos(System.nanoTime() - t0));
                out.accept(new AudioFrame(audio.mono(), audio.sampleRate(), 1, t.tMs()));
            }
        };
    }

    static Wav.Audio synthesize(String binary, String voice, int speed, long timeoutMs, String text, String nodeId) {
        Path wav = null;
        try {
            wav = Files.createTempFile("espeak", ".wav");
            // text goes on stdin, never on the command line: no argument injection, no length limit
            Process p = new ProcessBuilder(binary, "-v", voice, "-s", Integer.toString(speed), "-w", wav.toString(), "--stdin")
                    .redirectErrorStream(true).start();
            p.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new PipelineException(ErrorKind.NodeFailed, nodeId, "espeak-ng took longer than " + timeoutMs + " ms");
            }
            String log = new String(p.getInputStream().readAllBytes()).trim();
            if (p.exitValue() != 0) throw new PipelineException(ErrorKind.NodeFailed, nodeId, "espeak-ng failed: " + log);
            return Wav.read(wav);
        } catch (IOException e) {
            throw new PipelineException(ErrorKind.NodeFailed, nodeId, "espeak-ng: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException(ErrorKind.NodeFailed, nodeId, "interrupted");
        } finally {
            if (wav != null) {
                try {
                    Files.deleteIfExists(wav);
                } catch (IOException ignored) {
                    // temp file
                }
            }
        }
    }

    static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "espeak-ng"))) return Path.of(dir, "espeak-ng").toString();
        }
        throw new PipelineException(ErrorKind.ModelUnavailable, null,
                "EspeakTTS needs the espeak-ng program: sudo apt-get install -y espeak-ng");
    }
}
