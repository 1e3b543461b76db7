package dev.remotemedia.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time, heap and RSS of this process, for benchmark reports. */
public final class ProcessStats {
    private ProcessStats() {}

    /** Process CPU time in nanoseconds (all threads). */
    public static long cpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return -1;
    }

    public static double heapUsedMb() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) / 1048576.0;
    }

    /** Resident set size of this process from /proc (Linux); -1 elsewhere. */
    public static double rssMb() {
        return rssMb(ProcessHandle.current().pid());
    }

    /** Resident set size of any process from /proc (Linux); -1 when unknown or gone. */
    public static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /** utime + stime of a process in clock ticks (100 per second on Linux), or -1. */
    public static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * utime + stime per thread group of a process (thread names without their trailing numbers:
     * "remotemedia-media", "webrtc_audio_mo", …), in clock ticks; empty when /proc is unreadable.
     */
    public static java.util.Map<String, Long> threadTicks(long pid) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[-_ ]?\\d+$", "");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return java.util.Map.of();
        }
        return out;
    }

    /** A port free on loopback right now, for servers a benchmark or load test starts. */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Percentile of a sorted array (nearest rank). */
    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
