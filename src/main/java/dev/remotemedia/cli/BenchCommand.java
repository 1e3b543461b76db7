package dev.remotemedia.cli;

import dev.remotemedia.inference.InferenceBenchmark;
import dev.remotemedia.remote.RemoteBenchmark;
import dev.remotemedia.vad.VadBenchmark;
import dev.remotemedia.video.VideoBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `bench vad|remote|stt|tts|video`: benchmarks that print figures with their baseline from the same run. */
@Command(name = "bench", description = "Benchmarks with a baseline in the same run: vad, remote, stt, tts, video.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WHAT", description = "vad | remote | stt | tts | video")
    String what;

    @Option(names = "--input", paramLabel = "FILE.wav", description = "Audio to use (default: synthetic speech-like bursts).")
    Path input;

    @Option(names = "--seconds", defaultValue = "60", description = "Length of synthetic audio (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--sessions", defaultValue = "1,10,50,100", split = ",", description = "Concurrent live sessions to measure.")
    int[] sessions;

    @Option(names = "--live-seconds", defaultValue = "15", description = "Length of each concurrent run (default: ${DEFAULT-VALUE}).")
    int liveSeconds;

    @Option(names = "--rounds", defaultValue = "2000", description = "remote: segments per side (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--segment-seconds", defaultValue = "1.0", description = "remote, stt: audio per segment (default: ${DEFAULT-VALUE}).")
    double segmentSeconds;

    @Option(names = "--model", paramLabel = "DIR", description = "stt/tts: the model folder (a Whisper or Kokoro export).")
    Path model;

    @Option(names = "--device", defaultValue = "auto", description = "stt/tts: auto | cuda | cpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--segments", defaultValue = "32", description = "stt: segments (tts: sentences) to time (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--max-new-tokens", defaultValue = "224", description = "stt: tokens decoded per window at most (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--batch", defaultValue = "8", description = "stt: largest batch for the throughput run (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--fps", defaultValue = "2", description = "video: frames per second per session (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--frame-size", defaultValue = "320x240", description = "video: sampled frame size WxH (default: ${DEFAULT-VALUE}).")
    String frameSize;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        switch (what) {
            case "vad" -> VadBenchmark.run(spec.commandLine().getOut(), input, seconds, sessions, liveSeconds);
            case "remote" -> RemoteBenchmark.run(spec.commandLine().getOut(), rounds, segmentSeconds);
            case "stt" -> InferenceBenchmark.stt(spec.commandLine().getOut(), requireModel(), device, segments, segmentSeconds, batch, maxNewTokens);
            case "tts" -> InferenceBenchmark.tts(spec.commandLine().getOut(), requireModel(), device, segments);
            case "video" -> {
                String[] wh = frameSize.toLowerCase().split("x");
                if (wh.length != 2) throw new IllegalArgumentException("--frame-size: WIDTHxHEIGHT, got \"" + frameSize + "\"");
                VideoBenchmark.run(spec.commandLine().getOut(), sessions, liveSeconds, fps, Integer.parseInt(wh[0].strip()), Integer.parseInt(wh[1].strip()));
            }
            default -> throw new IllegalArgumentException("unknown benchmark \"" + what + "\"; available: vad, remote, stt, tts, video");
        }
        return 0;
    }

    private Path requireModel() {
        if (model == null) throw new IllegalArgumentException(what + " needs --model DIR (a model folder; `models list` shows the cache)");
        return model;
    }
}
