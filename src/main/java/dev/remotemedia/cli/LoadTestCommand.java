package dev.remotemedia.cli;

import dev.remotemedia.load.LoadTest;
import dev.remotemedia.load.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** `load-test`: live sessions with fault injection (load-tests/run.sh calls this). Exit 1 when anything is lost or duplicated. */
@Command(name = "load-test", description = "Live load with fault injection; exit 1 if any segment is lost or duplicated.")
final class LoadTestCommand implements Callable<Integer> {
    @Option(names = "--via", defaultValue = "grpc", description = "webrtc | grpc (default: ${DEFAULT-VALUE}).") String via;
    @Option(names = "--sessions", defaultValue = "5", split = ",", description = "Sessions; a list (10,20,30,40) runs a sweep "
            + "(WebRTC): the local instance's CPU per added session as a least-squares slope.") List<Integer> sessions;
    @Option(names = "--baseline-property", description = "In a sweep, also run every point with this -D property on the local "
            + "instance (KEY=VALUE, repeatable), alternating, and print both slopes side by side.") List<String> baseline = List.of();
    @Option(names = "--remotes", defaultValue = "2", description = "Remote instances started on loopback.") int remotes;
    @Option(names = "--duration", defaultValue = "30s", description = "e.g. 120s, 2m.") String duration;
    @Option(names = "--endpoints", split = ",", description = "Use these remotes (H:P,...) instead of starting them.") List<String> endpoints = List.of();
    @Option(names = "--wav", required = true, description = "Speech WAV to stream (looped).") Path wav;
    @Option(names = "--kill-remote-after", description = "SIGKILL remote 0 after this long.") String killAfter;
    @Option(names = "--restart-after", description = "Start remote 0 again after this long (from the start).") String restartAfter;
    @Option(names = "--kill-all", description = "Kill (and restart) every remote, not just remote 0.") boolean killAll;
    @Option(names = "--cycles", defaultValue = "0", description = "Instead of load: open and close this many WHIP sessions, report RSS growth.") int cycles;
    @Option(names = "--delay-remote", defaultValue = "0", description = "Remote 0 answers this many ms late.") long delayMs;
    @Option(names = "--blackhole", description = "Remote 0 accepts segments and never answers.") boolean blackhole;
    @Option(names = "--report", description = "Write the JSON report here.") Path report;
    @Option(names = "--timeout-ms", defaultValue = "3000", description = "RemotePipelineNode timeout_ms (default: ${DEFAULT-VALUE}).") long timeoutMs;
    @Option(names = "--workers-dns", description = "Start the remotes as a fleet: 127.0.0.2, .3, … on one port, one name in a hosts file, "
            + "the local role using dns:///NAME:PORT (run.sh passes -Djdk.net.hosts.file).") boolean workersDns;
    @Option(names = "--tolerance", defaultValue = "5", description = "Percent of input frames the local instance may shed, and of expected "
            + "segments that may be missing, before the run fails (default: ${DEFAULT-VALUE}).") double tolerance;
    @Mixin DebugOption debug;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!via.equals("grpc") && !via.equals("webrtc")) throw new IllegalArgumentException("--via must be webrtc or grpc");
        var options = new LoadTest.Options(via, sessions.get(0), remotes, parse(duration), endpoints, wav, opt(killAfter), opt(restartAfter),
                killAll, delayMs, blackhole, report, timeoutMs, cycles, workersDns, tolerance, List.of());
        if (sessions.size() > 1 || !baseline.isEmpty()) {
            if (!via.equals("webrtc")) throw new IllegalArgumentException("a sweep (--sessions N,M,… or --baseline-property) needs --via webrtc");
            return new Sweep(options, sessions, baseline.stream().map(p -> "-D" + p).toList(), spec.commandLine().getOut()).run();
        }
        return new LoadTest(options, spec.commandLine().getOut()).run();
    }

    private static Duration opt(String s) {
        return s == null ? null : parse(s);
    }

    static Duration parse(String s) {
        String t = s.trim().toLowerCase();
        if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        if (t.endsWith("s")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
        if (t.endsWith("m")) return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
        return Duration.ofSeconds(Long.parseLong(t));
    }
}
