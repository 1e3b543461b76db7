package dev.remotemedia.load;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The local instance's CPU per added WebRTC session: one load run per session count (a fresh
 * instance each), its steady-state CPU without the JIT compilers, and the least-squares slope over
 * the counts — optionally next to a baseline configuration run alternately at every count, so both
 * see the same machine in the same minutes.
 */
public final class Sweep {
    private final LoadTest.Options options;
    private final List<Integer> counts;
    private final List<String> baseline;
    private final PrintWriter out;
    /** Shed share above which a count is saturated and stays out of the slope. */
    static final double SHED_LIMIT_PERCENT = 0.1;

    public Sweep(LoadTest.Options options, List<Integer> counts, List<String> baselineProperties, PrintWriter out) {
        this.options = options;
        this.counts = counts;
        this.baseline = baselineProperties;
        this.out = out;
    }

    /** Exit 1 when a run of the current configuration lost, duplicated or shed beyond the tolerance. */
    public int run() throws Exception {
        List<LoadTest.Result> current = new ArrayList<>();
        List<LoadTest.Result> base = new ArrayList<>();
        for (int n : counts) {
            if (!baseline.isEmpty()) base.add(one(n, baseline, "baseline " + String.join(" ", baseline)));
            current.add(one(n, List.of(), "current configuration"));
        }
        out.println();
        out.println("sweep: local instance CPU while every session streams, % of one core without the JIT compilers");
        out.printf("%-9s | %-36s%s%n", "sessions", "current: CPU / JIT / shed % / generator", base.isEmpty() ? "" : " | baseline: CPU / JIT / shed % / generator");
        for (int i = 0; i < counts.size(); i++) {
            out.printf("%-9d | %-36s%s%n", counts.get(i), cells(current.get(i)), base.isEmpty() ? "" : " | " + cells(base.get(i)));
        }
        out.printf("per added session (least-squares slope over the counts that shed nothing): current %s%s%n",
                slope(current), base.isEmpty() ? "" : ", baseline " + slope(base));
        return current.stream().allMatch(LoadTest.Result::passed) ? 0 : 1;
    }

    private LoadTest.Result one(int sessions, List<String> properties, String label) throws Exception {
        out.printf("%n=== sweep: %d sessions, %s%n", sessions, label);
        LoadTest test = new LoadTest(options.with(sessions, properties), out);
        test.run();
        return test.result();
    }

    private static String cells(LoadTest.Result r) {
        return String.format("%5.1f / %4.1f / %5.2f / %5.1f", r.localCpu(), r.jitCpu(), r.shedPercent(), r.generatorCpu());
    }

    /** A count that shed input understates its CPU (shed audio is never processed), so it is left out. */
    private static String slope(List<LoadTest.Result> results) {
        List<LoadTest.Result> clean = results.stream().filter(r -> r.shedPercent() <= SHED_LIMIT_PERCENT).toList();
        if (clean.size() < 2) return "n/a (fewer than two counts without shedding)";
        double slope = LoadTest.slope(clean.stream().map(r -> new double[] {r.sessions(), r.localCpu()}).toList());
        return String.format("%.2f %% of a core (over %s sessions)", slope, clean.stream().map(LoadTest.Result::sessions).toList());
    }
}
