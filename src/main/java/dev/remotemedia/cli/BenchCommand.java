package dev.remotemedia.cli;

import dev.remotemedia.remote.RemoteBenchmark;
import dev.remotemedia.vad.VadBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `bench vad|remote`: benchmarks that print figures with their baseline from the same run. */
@Command(name = "bench", description = "Benchmarks with a baseline in the same run: vad, remote.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WHAT", description = "vad | remote")
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

    @Option(names = "--segment-seconds", defaultValue = "1.0", description = "remote: audio per segment (default: ${DEFAULT-VALUE}).")
    double segmentSeconds;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        switch (what) {
            case "vad" -> VadBenchmark.run(spec.commandLine().getOut(), input, seconds, sessions, liveSeconds);
            case "remote" -> RemoteBenchmark.run(spec.commandLine().getOut(), rounds, segmentSeconds);
            default -> throw new IllegalArgumentException("unknown benchmark \"" + what + "\"; available: vad, remote");
        }
        return 0;
    }
}
